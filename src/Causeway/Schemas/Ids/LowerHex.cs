namespace Causeway.Schemas;

/// <summary>Fixed-width lower-case hex, the digits of the generated ids. Only lower case is
/// accepted back, so each value has one spelling and ordinal order stays numeric order.</summary>
internal static class LowerHex
{
    public static bool TryParse(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        if (digits.Length is 0 or > 16) return false;
        foreach (char c in digits)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = (value << 4) | (uint)digit;
        }
        return true;
    }

    /// <summary>Parses groups of exactly <paramref name="widths"/> digits joined by '-', e.g.
    /// 8-4-4-4-12 for a UUID, into <paramref name="values"/>.</summary>
    public static bool TryParseGroups(string? text, ReadOnlySpan<int> widths, Span<ulong> values)
    {
        if (text is null) return false;
        int at = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            if (i > 0 && (at >= text.Length || text[at++] != '-')) return false;
            if (at + widths[i] > text.Length || !TryParse(text.AsSpan(at, widths[i]), out values[i])) return false;
            at += widths[i];
        }
        return at == text.Length;
    }
}
