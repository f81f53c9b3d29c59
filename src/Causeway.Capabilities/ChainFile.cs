using System.Text;
using Causeway.Errors;

namespace Causeway.Authority;

/// <summary>A chain of delegations as a text file: one token per line (<see cref="TokenText"/>), root
/// first, so the last line is the delegation to whoever holds the file. Blank lines and lines starting
/// with <c>#</c> are ignored; <see cref="Format"/> writes a comment above each token saying what it is.
/// Reading checks each token's signature, not how the links line up (<see cref="ProofChain"/> does).</summary>
public static class ChainFile
{
    /// <summary>Reads the delegations of a chain file's text, root first.</summary>
    /// <param name="source">Names the file in errors.</param>
    /// <exception cref="InvalidInputException">A line that is not a delegation, or a bad signature, naming the line (code invalid_value).</exception>
    public static IReadOnlyList<Delegation> Parse(string text, string source = "the chain")
    {
        ArgumentNullException.ThrowIfNull(text);
        var links = new List<Delegation>();
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            try
            {
                links.Add(TokenText.ReadDelegation(line));
            }
            catch (CausewayException e) when (e is InvalidInputException or UcanException)
            {
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"{source}, line {number}: {e.Message}", e);
            }
            if (links.Count > ProofChain.MaxLength)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"{source} holds more than the {ProofChain.MaxLength} links a chain may have.");
        }
        return links;
    }

    /// <summary>Reads a chain file.</summary>
    /// <exception cref="InvalidInputException">No such file, or a line that is not a delegation.</exception>
    public static IReadOnlyList<Delegation> Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' is not a chain file (it does not exist).");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' cannot be read: {e.Message}", e);
        }
        return Parse(text, $"'{path}'");
    }

    /// <summary>The text of a chain file for <paramref name="chain"/>, root first: a comment line that
    /// describes each token above the token itself.</summary>
    public static string Format(IEnumerable<Delegation> chain)
    {
        var text = new StringBuilder("# causeway chain: UCAN delegations, root first, one base64url token per line\n");
        int i = 0;
        foreach (var link in chain)
        {
            i++;
            text.Append($"# {i}. {link.Cid}: {link.Issuer} -> {link.Audience}, {link.Command} on {link.Subject ?? "any subject"}, ")
                .Append(link.Expiration is { } exp ? $"until {DateTimeOffset.FromUnixTimeSeconds(exp):u}" : "never expires").Append('\n');
            text.Append(TokenText.Encode(link)).Append('\n');
        }
        return text.ToString();
    }
}
