using System.Runtime.CompilerServices;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>What the byte-to-text codecs (<see cref="Base32"/>, <see cref="Base58Btc"/>) share:
/// an alphabet's decode table, the base conversion step, and Decode and TryDecode over a core
/// that says what is wrong with the text.</summary>
internal static class ByteText
{
    /// <summary>Decodes <paramref name="text"/>: null on success, otherwise what is wrong.</summary>
    public delegate string? DecodeCore(ReadOnlySpan<char> text, out byte[]? bytes);

    /// <exception cref="InvalidInputException">What <paramref name="core"/> finds wrong (code invalid_value).</exception>
    public static byte[] Decode(ReadOnlySpan<char> text, DecodeCore core)
    {
        string? error = core(text, out byte[]? bytes);
        return error is null ? bytes! : throw new InvalidInputException(ErrorCodes.InvalidValue, error);
    }

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes, DecodeCore core)
    {
        bool ok = core(text, out byte[]? decoded) is null;
        bytes = decoded ?? [];
        return ok;
    }

    /// <summary>Each ASCII character's digit in <paramref name="alphabet"/>, -1 for the others.</summary>
    public static sbyte[] DecodeTable(string alphabet)
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (int i = 0; i < alphabet.Length; i++) table[alphabet[i]] = (sbyte)i;
        return table;
    }

    /// <summary>The digit of <paramref name="c"/> in <paramref name="table"/>, or -1.</summary>
    public static int Digit(sbyte[] table, char c) => c < 128 ? table[c] : -1;

    /// <summary>One step of base conversion: multiplies the number in <paramref name="digits"/>
    /// (little-endian, base <paramref name="radix"/>, <paramref name="used"/> digits) by
    /// <paramref name="multiplier"/>, adds <paramref name="carry"/> (≥ 0), and returns how many
    /// digits it uses now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyAdd(Span<byte> digits, int used, int carry, int multiplier, int radix)
    {
        int j = 0;
        for (; j < used || carry != 0; j++)
        {
            carry += digits[j] * multiplier;
            digits[j] = (byte)(carry % radix);
            carry /= radix;
        }
        return j;
    }
}
