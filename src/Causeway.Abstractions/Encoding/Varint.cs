using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Unsigned LEB128 varints as the multiformats unsigned-varint spec defines them: at most
/// 9 bytes (so values below 2^63), and always the minimal encoding (no trailing 0x00 group).</summary>
public static class Varint
{
    /// <summary>The longest encoding the multiformats spec allows.</summary>
    public const int MaxLength = 9;

    /// <summary>The largest value a 9-byte varint can hold (2^63 - 1).</summary>
    public const ulong MaxValue = long.MaxValue;

    /// <summary>How many bytes <paramref name="value"/> takes.</summary>
    public static int GetLength(ulong value)
    {
        CheckRange(value);
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    /// <summary>Writes <paramref name="value"/> to the start of <paramref name="destination"/> and
    /// returns the bytes written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 2^63 or more.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static int Write(ulong value, Span<byte> destination)
    {
        CheckRange(value);
        int i = 0;
        while (value >= 0x80)
        {
            if (i >= destination.Length) throw TooShort();
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        if (i >= destination.Length) throw TooShort();
        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a varint from the start of <paramref name="source"/>; false when it is
    /// truncated, longer than 9 bytes, or not minimally encoded.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int bytesRead) =>
        TryReadCore(source, out value, out bytesRead) is null;

    /// <summary>Reads a varint from the start of <paramref name="source"/>.</summary>
    /// <exception cref="InvalidInputException">Truncated, too long or non-minimal (code invalid_value).</exception>
    public static ulong Read(ReadOnlySpan<byte> source, out int bytesRead)
    {
        string? error = TryReadCore(source, out ulong value, out bytesRead);
        if (error is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, error);
        return value;
    }

    /// <summary>Null on success, otherwise what is wrong.</summary>
    internal static string? TryReadCore(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        for (int i = 0; i < MaxLength; i++)
        {
            if (i >= source.Length)
                return i == 0 ? "Varint is missing (no bytes left)." : "Varint is truncated (last byte has the continuation bit set).";
            byte b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    value = 0;
                    return "Varint is not minimally encoded (ends with a zero group).";
                }
                bytesRead = i + 1;
                return null;
            }
        }
        value = 0;
        return "Varint is longer than 9 bytes.";
    }

    private static void CheckRange(ulong value)
    {
        if (value > MaxValue)
            throw new ArgumentOutOfRangeException(nameof(value), value, "Multiformats varints hold values below 2^63.");
    }

    private static ArgumentException TooShort() => new("Destination is too short for the varint.", "destination");
}
