using System.Security.Cryptography;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>A content identifier: CIDv1 with codec dag-cbor (0x71) or raw (0x55) and a sha2-256
/// multihash. Those are the only CIDs Causeway creates or accepts (<see cref="FromBytes"/> rejects
/// CIDv0, other codecs and other hash functions). Binary form: varint version, varint codec,
/// varint hash code, varint digest length, digest; text form: multibase base32 lower ("b…").
/// Equality and order are those of the binary form. <c>default(Cid)</c> is an empty placeholder
/// that equals only itself; its accessors throw.</summary>
public readonly struct Cid : IEquatable<Cid>, IComparable<Cid>
{
    public const ulong DagCborCodec = 0x71;
    public const ulong RawCodec = 0x55;
    public const ulong Sha2_256Code = 0x12;
    public const int DigestLength = 32;

    /// <summary>Length of the binary form of every CID we handle: 0x01, codec, 0x12, 0x20, digest.</summary>
    public const int ByteLength = 4 + DigestLength;

    private const int MaxTextLengthInMessages = 80;

    private readonly byte[]? _bytes;

    private Cid(byte[] bytes) => _bytes = bytes;

    /// <summary>True for <c>default(Cid)</c>.</summary>
    public bool IsDefault => _bytes is null;

    public int Version => 1;

    /// <summary>The multicodec of the content: <see cref="DagCborCodec"/> or <see cref="RawCodec"/>.</summary>
    public ulong Codec => Require()[1];

    /// <summary>The multihash function code; always <see cref="Sha2_256Code"/>.</summary>
    public ulong MultihashCode => Require()[2];

    /// <summary>The 32-byte SHA-256 digest.</summary>
    public ReadOnlySpan<byte> Digest => Require().AsSpan(4, DigestLength);

    /// <summary>The binary CID (no multibase prefix, no 0x00 DAG-CBOR prefix).</summary>
    public ReadOnlySpan<byte> Bytes => Require();

    public byte[] ToBytes() => (byte[])Require().Clone();

    /// <summary>Hashes <paramref name="block"/> with SHA-256 and builds the CIDv1 for <paramref name="codec"/>.</summary>
    public static Cid Create(ulong codec, ReadOnlySpan<byte> block)
    {
        var bytes = NewBytes(codec);
        SHA256.HashData(block, bytes.AsSpan(4, DigestLength));
        return new Cid(bytes);
    }

    public static Cid ForDagCbor(ReadOnlySpan<byte> block) => Create(DagCborCodec, block);

    public static Cid ForRaw(ReadOnlySpan<byte> block) => Create(RawCodec, block);

    /// <summary>Builds a CID from an already computed SHA-256 digest.</summary>
    public static Cid FromDigest(ulong codec, ReadOnlySpan<byte> sha256Digest)
    {
        if (sha256Digest.Length != DigestLength)
            throw new ArgumentException($"A sha2-256 digest has {DigestLength} bytes, not {sha256Digest.Length}.", nameof(sha256Digest));
        var bytes = NewBytes(codec);
        sha256Digest.CopyTo(bytes.AsSpan(4));
        return new Cid(bytes);
    }

    /// <summary>True when SHA-256 of <paramref name="block"/> equals <see cref="Digest"/>.</summary>
    public bool HashMatches(ReadOnlySpan<byte> block)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        SHA256.HashData(block, digest);
        return digest.SequenceEqual(Digest);
    }

    /// <summary>Parses a binary CID.</summary>
    /// <exception cref="InvalidInputException">Malformed or unsupported (code invalid_value).</exception>
    public static Cid FromBytes(ReadOnlySpan<byte> bytes)
    {
        string? error = TryFromBytesCore(bytes, out Cid cid);
        return error is null ? cid : throw new InvalidInputException(ErrorCodes.InvalidValue, error);
    }

    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Cid cid) => TryFromBytesCore(bytes, out cid) is null;

    /// <summary>Null on success, otherwise a one-sentence reason.</summary>
    internal static string? TryFromBytesCore(ReadOnlySpan<byte> bytes, out Cid cid)
    {
        cid = default;
        if (bytes.IsEmpty) return "CID is empty.";
        if (bytes.Length == 34 && bytes[0] == 0x12 && bytes[1] == 0x20)
            return "CIDv0 (a bare sha2-256 multihash) is not supported; only CIDv1 is.";

        int pos = 0;
        string? error = Varint.TryReadCore(bytes, out ulong version, out int read);
        if (error is not null) return "CID version: " + error;
        if (version != 1) return $"CID version {version} is not supported; only CIDv1 is.";
        pos += read;

        error = Varint.TryReadCore(bytes[pos..], out ulong codec, out read);
        if (error is not null) return "CID codec: " + error;
        if (codec is not (DagCborCodec or RawCodec))
            return $"CID codec 0x{codec:x} is not supported; only dag-cbor (0x71) and raw (0x55) are.";
        pos += read;

        error = Varint.TryReadCore(bytes[pos..], out ulong hash, out read);
        if (error is not null) return "CID multihash code: " + error;
        if (hash != Sha2_256Code)
            return $"CID multihash function 0x{hash:x} is not supported; only sha2-256 (0x12) is.";
        pos += read;

        error = Varint.TryReadCore(bytes[pos..], out ulong length, out read);
        if (error is not null) return "CID digest length: " + error;
        if (length != DigestLength)
            return $"CID sha2-256 digest length is {length}; it must be {DigestLength}.";
        pos += read;

        int left = bytes.Length - pos;
        if (left < DigestLength) return $"CID is truncated: the digest has {left} of {DigestLength} bytes.";
        if (left > DigestLength) return $"CID has {left - DigestLength} unexpected bytes after the digest.";

        cid = new Cid(bytes.ToArray());
        return null;
    }

    /// <summary>Parses the multibase base32 lower form ("bafy…").</summary>
    /// <exception cref="InvalidInputException">Anything else (code invalid_value).</exception>
    public static Cid Parse(string text)
    {
        string? error = TryParseCore(text, out Cid cid);
        return error is null ? cid : throw new InvalidInputException(ErrorCodes.InvalidValue, error);
    }

    public static bool TryParse(string? text, out Cid cid) => TryParseCore(text, out cid) is null;

    private static string? TryParseCore(string? text, out Cid cid)
    {
        cid = default;
        if (string.IsNullOrEmpty(text)) return "CID text is empty.";
        string shown = text.Length <= MaxTextLengthInMessages ? text : text[..MaxTextLengthInMessages] + "…";
        if (text[0] != 'b')
        {
            if (text.StartsWith("Qm", StringComparison.Ordinal))
                return $"Invalid CID '{shown}': CIDv0 (base58btc 'Qm…') is not supported; use the CIDv1 base32 form ('b…').";
            return $"Invalid CID '{shown}': only multibase base32 lower (prefix 'b') is supported, not prefix '{text[0]}'.";
        }
        string? error = Base32.TryDecodeCore(text.AsSpan(1), out byte[]? bytes);
        if (error is not null) return $"Invalid CID '{shown}': {error}";
        error = TryFromBytesCore(bytes, out cid);
        return error is null ? null : $"Invalid CID '{shown}': {error}";
    }

    /// <summary>The multibase base32 lower form, "b" + base32(binary CID); "" for <c>default(Cid)</c>.</summary>
    public override string ToString()
    {
        if (_bytes is null) return "";
        Span<char> chars = stackalloc char[TextLength];
        return new string(chars[..Format(chars)]);
    }

    /// <summary>How many characters <see cref="ToString"/> makes.</summary>
    internal int TextLength => _bytes is null ? 0 : 1 + Base32.GetEncodedLength(_bytes.Length);

    /// <summary><see cref="ToString"/> into <paramref name="chars"/> (at least <see cref="TextLength"/> long),
    /// for a writer that takes characters without a string; answers how many it wrote.</summary>
    internal int Format(Span<char> chars)
    {
        if (_bytes is null) return 0;
        chars[0] = 'b';
        Base32.Encode(_bytes, chars[1..TextLength]);
        return TextLength;
    }

    public bool Equals(Cid other) =>
        _bytes is null || other._bytes is null ? _bytes is null && other._bytes is null : _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Cid other && Equals(other);

    public override int GetHashCode()
    {
        if (_bytes is null) return 0;
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public int CompareTo(Cid other) => _bytes.AsSpan().SequenceCompareTo(other._bytes.AsSpan());

    public static bool operator ==(Cid left, Cid right) => left.Equals(right);
    public static bool operator !=(Cid left, Cid right) => !left.Equals(right);
    public static bool operator <(Cid left, Cid right) => left.CompareTo(right) < 0;
    public static bool operator >(Cid left, Cid right) => left.CompareTo(right) > 0;
    public static bool operator <=(Cid left, Cid right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Cid left, Cid right) => left.CompareTo(right) >= 0;

    private static byte[] NewBytes(ulong codec)
    {
        if (codec is not (DagCborCodec or RawCodec))
            throw new ArgumentOutOfRangeException(nameof(codec), codec, "Only dag-cbor (0x71) and raw (0x55) CIDs are supported.");
        var bytes = new byte[ByteLength];
        bytes[0] = 1;
        bytes[1] = (byte)codec;
        bytes[2] = (byte)Sha2_256Code;
        bytes[3] = DigestLength;
        return bytes;
    }

    private byte[] Require() => _bytes ?? throw new InvalidOperationException("This Cid is default (empty).");
}
