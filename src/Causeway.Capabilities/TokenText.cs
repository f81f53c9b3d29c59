using Causeway.Errors;

namespace Causeway.Authority;

/// <summary>A token's envelope bytes as text, for an HTTP header or a JSON string: base64url without
/// padding (RFC 4648 §5) when written; base64url or standard base64, padded or not, when read.</summary>
public static class TokenText
{
    /// <summary>The longest text that can hold <see cref="Envelope.MaxBytes"/> bytes (with padding).</summary>
    public const int MaxLength = (Envelope.MaxBytes + 2) / 3 * 4;

    /// <summary>The request header that carries the proofs of a token: items separated by <c>", "</c>,
    /// each a token as text or the CID of a delegation the server holds, root first.</summary>
    public const string UcansHeader = "Ucans";

    public static string Encode(Delegation delegation) => Encode(delegation.Bytes.Span);

    /// <summary>Reads a delegation given as text, checking its signature.</summary>
    /// <exception cref="UcanException">Not base64url, not a delegation, or a bad signature.</exception>
    public static Delegation ReadDelegation(string text) => Delegation.Read(Decode(text.Trim()));

    /// <summary>The value of a <see cref="UcansHeader"/> header for <paramref name="proofs"/> (root first), or
    /// null when there are none.</summary>
    public static string? UcansValue(IEnumerable<Delegation> proofs)
    {
        var items = proofs.Select(Encode).ToList();
        return items.Count == 0 ? null : string.Join(", ", items);
    }

    /// <summary>The items of a <see cref="UcansHeader"/> header, in order (tokens as text, or CIDs).</summary>
    public static IReadOnlyList<string> SplitUcans(string? value)
        => value is null ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Encode(ReadOnlyMemory<byte> bytes) => Encode(bytes.Span);

    /// <summary>The bytes of a token written as base64url or base64, with or without padding.</summary>
    /// <exception cref="UcanException"><see cref="UcanError.Malformed"/>: over the size limit, or not base64.</exception>
    public static byte[] Decode(string text)
    {
        if (text.Length > MaxLength)
            throw new UcanException(UcanError.Malformed, $"A token of {text.Length} characters is over the limit of {MaxLength} ({Envelope.MaxBytes} bytes).");
        if (text.Length == 0) throw new UcanException(UcanError.Malformed, "The token is empty.");
        Span<char> chars = text.Length <= 4096 ? stackalloc char[text.Length + 3] : new char[text.Length + 3];
        int n = 0;
        foreach (char c in text)
        {
            chars[n++] = c switch
            {
                '-' => '+',
                '_' => '/',
                _ when char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' => c,
                _ => throw new UcanException(UcanError.Malformed, "The token is not base64url (RFC 4648 §5): it holds a character outside A-Z a-z 0-9 - _ (or + / = of base64)."),
            };
        }
        int padding = n % 4 == 0 ? 0 : 4 - n % 4;
        for (int i = 0; i < padding; i++) chars[n++] = '=';
        var bytes = new byte[n / 4 * 3];
        if (!Convert.TryFromBase64Chars(chars[..n], bytes, out int written))
            throw new UcanException(UcanError.Malformed, "The token is not base64url (RFC 4648 §5): its length or padding is wrong.");
        return written == bytes.Length ? bytes : bytes[..written];
    }
}
