namespace Causeway.Encoding;

internal static class Utf16Text
{
    /// <summary>False when the string holds an unpaired surrogate (so it has no UTF-8 form).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }
}
