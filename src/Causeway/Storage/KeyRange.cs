namespace Causeway.Storage;

/// <summary>Byte-key helpers shared by the stores.</summary>
public static class KeyRange
{
    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>,
    /// or null when there is none (the prefix is empty or all 0xFF).</summary>
    public static byte[]? UpperBound(ReadOnlySpan<byte> prefix)
    {
        var bound = prefix.ToArray();
        for (int i = bound.Length - 1; i >= 0; i--)
        {
            if (bound[i] != 0xFF)
            {
                bound[i]++;
                return bound[..(i + 1)];
            }
        }
        return null;
    }
}
