using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>RFC 4648 base32 with the lowercase alphabet and no padding (multibase 'b' without the
/// prefix). Decoding is strict: lowercase only, no padding, and the unused low bits of the last
/// character must be zero, so every byte string has exactly one text form.</summary>
public static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private static readonly sbyte[] DecodeTable = ByteText.DecodeTable(Alphabet);

    public static int GetEncodedLength(int byteCount) => (int)(((long)byteCount * 8 + 4) / 5);

    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return "";
        int length = GetEncodedLength(data.Length);
        Span<char> chars = length <= 256 ? stackalloc char[length] : new char[length];
        Encode(data, chars);
        return new string(chars);
    }

    /// <summary>Writes the encoding of <paramref name="data"/> to <paramref name="destination"/>
    /// (which must hold <see cref="GetEncodedLength"/> chars) and returns the chars written.</summary>
    public static int Encode(ReadOnlySpan<byte> data, Span<char> destination)
    {
        int length = GetEncodedLength(data.Length);
        if (destination.Length < length) throw new ArgumentException("Destination is too short.", nameof(destination));
        int buffer = 0, bits = 0, o = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                destination[o++] = Alphabet[(buffer >> bits) & 31];
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0)
            destination[o++] = Alphabet[(buffer << (5 - bits)) & 31];
        return o;
    }

    /// <exception cref="InvalidInputException">Not canonical lowercase unpadded base32 (code invalid_value).</exception>
    public static byte[] Decode(ReadOnlySpan<char> text) => ByteText.Decode(text, TryDecodeCore);

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes) => ByteText.TryDecode(text, out bytes, TryDecodeCore);

    /// <summary>Null on success, otherwise what is wrong.</summary>
    internal static string? TryDecodeCore(ReadOnlySpan<char> text, out byte[]? bytes)
    {
        bytes = null;
        int rem = text.Length % 8;
        if (rem is 1 or 3 or 6)
            return $"Base32 text has an impossible length ({text.Length} characters).";
        var result = new byte[(int)((long)text.Length * 5 / 8)];
        int buffer = 0, bits = 0, o = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int v = ByteText.Digit(DecodeTable, c);
            if (v < 0)
                return c == '='
                    ? "Base32 text must not be padded with '='."
                    : $"Base32 text has an invalid character '{c}' at position {i} (only a-z and 2-7 are allowed).";
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result[o++] = (byte)(buffer >> bits);
            }
            buffer &= (1 << bits) - 1;
        }
        if (buffer != 0)
            return "Base32 text is not canonical (unused bits of the last character are not zero).";
        bytes = result;
        return null;
    }
}
