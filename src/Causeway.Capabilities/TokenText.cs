using System.Buffers.Text;
using Causeway.Errors;

namespace Causeway.Authority;

/// <summary>A token as text: base64url without padding of its envelope's DAG-CBOR bytes. That is how a
/// token travels in <c>Authorization: Bearer …</c> and in the <c>Ucans</c> header, and how a chain
/// file holds it (<see cref="ChainFile"/>).</summary>
public static class TokenText
{
    /// <summary>The request header that carries the proofs of a token: items separated by <c>", "</c>,
    /// each a token as text or the CID of a delegation the server holds, root first.</summary>
    public const string UcansHeader = "Ucans";

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static string Encode(Delegation delegation) => Encode(delegation.Bytes.Span);

    /// <summary>The bytes of a token given as text.</summary>
    /// <exception cref="InvalidInputException">Not base64url (code invalid_value).</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "The token is empty.");
        if (text.Length > Envelope.MaxBytes * 4 / 3 + 4)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"A token of {text.Length} characters is over the limit of {Envelope.MaxBytes} bytes.");
        if (!text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || text.Length % 4 == 1)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(text)}' is not a token: a token is base64url text (A-Z, a-z, 0-9, '-', '_') without padding.");
        try { return Base64Url.DecodeFromChars(text); }
        catch (FormatException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(text)}' is not a token: its base64url does not decode.");
        }
    }

    /// <summary>Reads a delegation given as text, checking its signature.</summary>
    /// <exception cref="InvalidInputException">Not base64url.</exception>
    /// <exception cref="UcanException">Not a delegation, or a bad signature.</exception>
    public static Delegation ReadDelegation(string text) => Delegation.Read(Decode(text));

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
}
