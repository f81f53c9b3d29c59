using Causeway.Documents;
using Causeway.Errors;

namespace Causeway.Schemas;

/// <summary>The shards of a unique tuple's value space handed out in advance, written as hex digits
/// and ranges of them: "0-7", "08f" or "0,1,a-c".</summary>
internal static class ShardRanges
{
    public static IReadOnlyList<char> Parse(string text)
    {
        var digits = new SortedSet<char>();
        static bool Hex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f';
        var parts = text.ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part.Length == 3 && part[1] == '-' && Hex(part[0]) && Hex(part[2]) && part[0] <= part[2])
                for (char c = part[0]; c <= part[2]; c = c == '9' ? 'a' : (char)(c + 1)) digits.Add(c);
            else if (part.All(Hex)) foreach (char c in part) digits.Add(c);
            else throw new InvalidInputException(ErrorCodes.InvalidValue, $"Ranges are hex digits and ranges of them, like 0-7 or 08f, not '{Names.Clip(text)}'.");
        }
        if (digits.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "Name at least one range (a hex digit, 0-f).");
        return [.. digits];
    }
}
