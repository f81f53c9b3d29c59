using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Numerics;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Writes deterministic DAG-CBOR. A thin wrapper over <see cref="CborWriter"/> in
/// <see cref="CborConformanceMode.Canonical"/> mode, which gives definite lengths, shortest
/// integer and length forms, and map entries sorted by their encoded key (length first, then
/// bytes), which for text keys is exactly the DAG-CBOR order; so entries may be written in any
/// order. On top of that it writes every float as a 64-bit float (CborWriter would shrink 1.5 to
/// a half), rejects NaN and infinities, insists on text map keys, and writes links as tag 42.
/// Reusable: call <see cref="Reset"/> between values. Not thread-safe. After an exception the
/// writer's state is undefined until <see cref="Reset"/>.</summary>
public sealed class DagCborWriter
{
    /// <summary>The CBOR tag DAG-CBOR uses for links.</summary>
    public const int LinkTag = 42;

    private readonly CborWriter _writer;

    private struct Frame
    {
        public bool IsMap;
        public int Declared;  // items declared; a map counts keys and values
        public int Written;   // items written so far (in a map, even = a key comes next)
    }

    private Frame[] _frames = new Frame[16];
    private int _depth;

    public DagCborWriter(int initialCapacity = 256)
    {
        _writer = new CborWriter(CborConformanceMode.Canonical, convertIndefiniteLengthEncodings: false,
            allowMultipleRootLevelValues: false, initialCapacity: initialCapacity);
    }

    /// <summary>Bytes written so far (before map sorting, the same count).</summary>
    public int BytesWritten => _writer.BytesWritten;

    /// <summary>True once one complete top-level value has been written.</summary>
    public bool IsComplete => _writer.IsWriteCompleted;

    public void Reset()
    {
        _writer.Reset();
        _depth = 0;
    }

    public void WriteNull()
    {
        BeforeValue(isText: false);
        _writer.WriteNull();
        AfterValue();
    }

    public void WriteBoolean(bool value)
    {
        BeforeValue(isText: false);
        _writer.WriteBoolean(value);
        AfterValue();
    }

    public void WriteInt64(long value)
    {
        BeforeValue(isText: false);
        _writer.WriteInt64(value);
        AfterValue();
    }

    public void WriteUInt64(ulong value)
    {
        BeforeValue(isText: false);
        _writer.WriteUInt64(value);
        AfterValue();
    }

    /// <summary>Writes the negative integer <c>-1 - magnitudeMinusOne</c>, reaching down to -2^64
    /// (CBOR major type 1 with the given argument).</summary>
    public void WriteNegativeBig(ulong magnitudeMinusOne)
    {
        BeforeValue(isText: false);
        _writer.WriteCborNegativeIntegerRepresentation(magnitudeMinusOne);
        AfterValue();
    }

    /// <summary>Writes any integer in the DAG-CBOR range -2^64 .. 2^64-1.</summary>
    /// <exception cref="InvalidInputException">Out of range (code invalid_value).</exception>
    public void WriteInteger(BigInteger value)
    {
        if (value.Sign >= 0)
        {
            if (value > ulong.MaxValue)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Integer {value} is above 2^64-1, the largest DAG-CBOR integer.");
            WriteUInt64((ulong)value);
        }
        else
        {
            BigInteger magnitudeMinusOne = -1 - value;
            if (magnitudeMinusOne > ulong.MaxValue)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Integer {value} is below -2^64, the smallest DAG-CBOR integer.");
            WriteNegativeBig((ulong)magnitudeMinusOne);
        }
    }

    /// <summary>Writes a 64-bit float (0xFB + 8 bytes), whatever its value.</summary>
    /// <exception cref="InvalidInputException">NaN or an infinity (code invalid_value).</exception>
    public void WriteDouble(double value)
    {
        if (!double.IsFinite(value))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"DAG-CBOR cannot hold {value}; floats must be finite.");
        BeforeValue(isText: false);
        Span<byte> encoded = stackalloc byte[9];
        encoded[0] = 0xFB;
        BinaryPrimitives.WriteDoubleBigEndian(encoded[1..], value);
        _writer.WriteEncodedValue(encoded);
        AfterValue();
    }

    /// <exception cref="InvalidInputException">The text has an unpaired surrogate, or is a map key
    /// already written in this map (code invalid_value).</exception>
    public void WriteText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteText(value.AsSpan());
    }

    /// <inheritdoc cref="WriteText(string)"/>
    public void WriteText(ReadOnlySpan<char> value)
    {
        bool isKey = BeforeValue(isText: true);
        try
        {
            _writer.WriteTextString(value);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A string contains an unpaired surrogate and is not valid UTF-8.", e);
        }
        catch (InvalidOperationException e) when (isKey)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Map key \"{value}\" appears twice in one map.", e);
        }
        AfterValue();
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        BeforeValue(isText: false);
        _writer.WriteByteString(value);
        AfterValue();
    }

    /// <summary>Writes tag 42 around a byte string of 0x00 followed by the binary CID.</summary>
    public void WriteLink(Cid cid)
    {
        ReadOnlySpan<byte> cidBytes = cid.Bytes;
        BeforeValue(isText: false);
        Span<byte> content = stackalloc byte[cidBytes.Length + 1];
        content[0] = 0;
        cidBytes.CopyTo(content[1..]);
        _writer.WriteTag((CborTag)LinkTag);
        _writer.WriteByteString(content);
        AfterValue();
    }

    public void WriteStartArray(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        BeforeValue(isText: false);
        _writer.WriteStartArray(count);
        Push(isMap: false, count);
    }

    public void WriteEndArray()
    {
        if (_depth == 0 || _frames[_depth - 1].IsMap)
            throw new InvalidOperationException("WriteEndArray without a matching WriteStartArray.");
        CheckComplete();
        _writer.WriteEndArray();
        _depth--;
        AfterValue();
    }

    /// <summary>Starts a map of <paramref name="count"/> entries. Write each key with
    /// <see cref="WriteText(string)"/> followed by its value, in any order.</summary>
    public void WriteStartMap(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, int.MaxValue / 2);
        BeforeValue(isText: false);
        _writer.WriteStartMap(count);
        Push(isMap: true, count * 2);
    }

    public void WriteEndMap()
    {
        if (_depth == 0 || !_frames[_depth - 1].IsMap)
            throw new InvalidOperationException("WriteEndMap without a matching WriteStartMap.");
        CheckComplete();
        _writer.WriteEndMap();
        _depth--;
        AfterValue();
    }

    /// <summary>The encoded value; the writer must hold one complete value.</summary>
    public byte[] Encode() => _writer.Encode();

    /// <summary>Copies the encoded value to <paramref name="destination"/> and returns its length.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public int Encode(Span<byte> destination) => _writer.Encode(destination);

    /// <summary>Hands the encoded value to <paramref name="use"/> from a stack or pooled buffer, for a
    /// caller that only hashes or transcodes it (no array of its own).</summary>
    public TResult WithEncoded<TResult>(Func<ReadOnlySpan<byte>, TResult> use)
    {
        int length = _writer.BytesWritten;
        byte[]? rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        _writer.Encode(buffer);
        try
        {
            return use(buffer[..length]);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public bool TryEncode(Span<byte> destination, out int bytesWritten) => _writer.TryEncode(destination, out bytesWritten);

    /// <summary>Returns true when the next item is a map key.</summary>
    private bool BeforeValue(bool isText)
    {
        if (_depth == 0) return false;
        ref Frame frame = ref _frames[_depth - 1];
        if (frame.Written >= frame.Declared)
            throw new InvalidOperationException(frame.IsMap
                ? $"The map was declared with {frame.Declared / 2} entries; no more fit."
                : $"The array was declared with {frame.Declared} items; no more fit.");
        bool isKey = frame.IsMap && (frame.Written & 1) == 0;
        if (isKey && !isText)
            throw new InvalidOperationException("DAG-CBOR map keys must be text strings; write the key with WriteText first.");
        return isKey;
    }

    private void AfterValue()
    {
        if (_depth > 0) _frames[_depth - 1].Written++;
    }

    private void CheckComplete()
    {
        Frame frame = _frames[_depth - 1];
        if (frame.Written != frame.Declared)
            throw new InvalidOperationException(frame.IsMap
                ? $"The map was declared with {frame.Declared / 2} entries but {frame.Written / 2.0} were written."
                : $"The array was declared with {frame.Declared} items but {frame.Written} were written.");
    }

    private void Push(bool isMap, int declared)
    {
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame { IsMap = isMap, Declared = declared };
    }
}
