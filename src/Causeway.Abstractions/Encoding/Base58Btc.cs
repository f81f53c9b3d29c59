using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Base58 with the Bitcoin alphabet (multibase 'z' without the prefix). Each leading zero
/// byte becomes a leading '1'. Quadratic in the input length, meant for keys and hashes.</summary>
public static class Base58Btc
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] DecodeTable = ByteText.DecodeTable(Alphabet);

    public static string Encode(ReadOnlySpan<byte> data)
    {
        int zeros = 0;
        while (zeros < data.Length && data[zeros] == 0) zeros++;

        // log(256) / log(58) < 1.37: enough digits for the non-zero part.
        int size = (data.Length - zeros) * 137 / 100 + 1;
        Span<byte> digits = size <= 512 ? stackalloc byte[size] : new byte[size];
        digits.Clear();
        int used = 0;
        for (int i = zeros; i < data.Length; i++) used = ByteText.MultiplyAdd(digits, used, data[i], 256, 58);

        var chars = new char[zeros + used];
        for (int i = 0; i < zeros; i++) chars[i] = '1';
        for (int i = 0; i < used; i++) chars[zeros + i] = Alphabet[digits[used - 1 - i]];
        return new string(chars);
    }

    /// <exception cref="InvalidInputException">A character outside the alphabet (code invalid_value).</exception>
    public static byte[] Decode(ReadOnlySpan<char> text) => ByteText.Decode(text, TryDecodeCore);

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes) => ByteText.TryDecode(text, out bytes, TryDecodeCore);

    internal static string? TryDecodeCore(ReadOnlySpan<char> text, out byte[]? bytes)
    {
        bytes = null;
        int ones = 0;
        while (ones < text.Length && text[ones] == '1') ones++;

        // log(58) / log(256) < 0.733: enough bytes for the rest.
        int size = (text.Length - ones) * 733 / 1000 + 1;
        Span<byte> acc = size <= 512 ? stackalloc byte[size] : new byte[size];
        acc.Clear();
        int used = 0;
        for (int i = ones; i < text.Length; i++)
        {
            char c = text[i];
            int digit = ByteText.Digit(DecodeTable, c);
            if (digit < 0)
                return $"Base58btc text has an invalid character '{c}' at position {i}.";
            used = ByteText.MultiplyAdd(acc, used, digit, 58, 256);
        }

        var result = new byte[ones + used];
        for (int i = 0; i < used; i++) result[ones + i] = acc[used - 1 - i];
        bytes = result;
        return null;
    }
}
