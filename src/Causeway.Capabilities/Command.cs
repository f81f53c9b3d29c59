using Causeway.Errors;

namespace Causeway.Authority;

/// <summary>UCAN commands: slash-separated paths such as <c>/doc/write</c>. A command proves the
/// commands under it by whole segments: <c>/doc</c> proves <c>/doc/write</c>, not <c>/docx</c>, and
/// <c>/</c> proves every command.</summary>
public static class Command
{
    public const string Top = "/";

    /// <summary>Whether <paramref name="command"/> is well formed: a leading slash, non-empty lowercase
    /// segments without spaces, no trailing slash except for <c>/</c> itself.</summary>
    public static bool IsValid(string? command) => Problem(command) is null;

    /// <summary>Throws <see cref="InvalidInputException"/> unless <paramref name="command"/> is well formed.</summary>
    public static string Validate(string? command)
    {
        if (Problem(command) is { } problem)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(command)}' is not a command: {problem}.");
        return command!;
    }

    /// <summary>Whether a capability for <paramref name="proof"/> covers <paramref name="command"/>.
    /// Both must be well formed.</summary>
    public static bool Proves(string proof, string command)
    {
        Validate(proof);
        Validate(command);
        if (proof == Top) return true;
        return command == proof || (command.Length > proof.Length && command.StartsWith(proof, StringComparison.Ordinal) && command[proof.Length] == '/');
    }

    private static string? Problem(string? command)
    {
        if (string.IsNullOrEmpty(command)) return "it is empty";
        if (command[0] != '/') return "it must start with '/'";
        if (command == Top) return null;
        if (command[^1] == '/') return "only '/' itself ends with '/'";
        // Segment by segment, without splitting: commands are checked for every operation of every commit.
        for (int i = 1; i < command.Length; i++)
        {
            char c = command[i];
            if (c == '/')
            {
                if (command[i - 1] == '/') return "a segment is empty";
                continue;
            }
            if (char.IsUpper(c)) return "segments are lowercase";
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return "segments have no spaces or control characters";
        }
        return null;
    }
}
