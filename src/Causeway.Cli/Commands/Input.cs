using System.CommandLine;
using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Cli.Commands;

/// <summary>JSON given on the command line, in a file (--file), or on standard input.</summary>
internal static class Input
{
    public static Option<string?> FileOption() => new("--file", "-f") { Description = "Read the JSON from this file ('-' for standard input)." };

    /// <summary><c>--wait N</c> on a write: how long it may wait for rights or a reservation a peer holds.</summary>
    public static Option<int?> WaitOption() => new("--wait")
    {
        Description = "Seconds (at most 300) a write short of bounded-counter rights, or of a unique value another replica holds, waits for a peer to hand them over instead of failing at once.",
    };

    /// <summary><c>--plain</c> on a read: values as plain JSON instead of the typed forms <c>doc put</c> takes back.</summary>
    public static Option<bool> PlainOption() => new("--plain")
    {
        Description = "Print values as plain JSON: a decimal, a timestamp and bytes as strings, 34.0 as 34 (by default they print as {\"$decimal\": ..}, {\"$time\": ..}, {\"$bytes\": ..} and 34.0, which doc put takes back as they are).",
    };

    /// <summary>The scope of a <c>--wait</c>: none without it.</summary>
    public static IDisposable? Waiting(int? seconds) => seconds is { } s ? Database.WaitingForRights(TimeSpan.FromSeconds(s)) : null;

    public static string Json(string? inline, string? file, string what)
    {
        if (inline is not null && file is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Give the {what} inline or with --file, not both.");
        if (inline is not null) return inline;
        if (file is not null && file != "-")
        {
            if (!File.Exists(file)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"No file '{file}'.");
            return File.ReadAllText(file);
        }
        if (file is null && !Console.IsInputRedirected) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Give the {what} as an argument, with --file, or on standard input.");
        return Console.In.ReadToEnd();
    }

    /// <summary>The JSON text as an element; malformed JSON is invalid_json, one line.</summary>
    public static JsonElement Element(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, $"The {what} is not valid JSON: {e.Message}"); }
    }
}
