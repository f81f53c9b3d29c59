using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Numerics;
using System.Text.Unicode;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Reads canonical DAG-CBOR and nothing else. It mirrors the <see cref="CborReader"/> API
/// but parses the bytes itself: <see cref="CborReader"/> in System.Formats.Cbor 10.0.x stops at a
/// fixed nesting depth of 64 (configurable only from .NET 11), its Canonical mode misses DAG-CBOR
/// rules (64-bit floats, tags, key kinds) and costs a key set per map, and every head has to be
/// checked here anyway. It checks each item head before moving: definite lengths only, shortest
/// integer/length/tag forms, floats only as finite 64-bit values, no simple values but false,
/// true and null, no tag but 42, tag 42 holding 0x00 + a valid CID, text map keys in DAG-CBOR
/// order (encoded length, then bytes) without duplicates, valid UTF-8, no truncation, at most
/// <see cref="MaxDepth"/> nested containers, and (via <see cref="ReadEnd"/>) no trailing bytes.
/// Every rejection is a <see cref="NonCanonicalCborException"/> naming the problem and the byte
/// offset. Reusable via <see cref="Reset"/>; not thread-safe.</summary>
public sealed class DagCborReader
{
    public const int DefaultMaxDepth = 256;

    private const int MaxKeyLengthInMessages = 40;

    private struct Frame
    {
        public bool IsMap;
        public int Remaining;       // items left; a map counts keys and values
        public int PrevKeyStart;
        public int PrevKeyLength;   // 0 = no key yet (an encoded key is never empty)
    }

    private ReadOnlyMemory<byte> _data;
    private int _offset;
    private Frame[] _frames = new Frame[8];
    private int _depth;
    private bool _rootDone;

    // The checked head of the item at _headOffset (-1 = none).
    private int _headOffset = -1;
    private DagCborKind _kind;
    private bool _negative;
    private ulong _argument;
    private int _headEnd;   // offset just after the head
    private int _itemEnd;   // offset just after the item (for a container: after its head)
    private Cid _link;

    public DagCborReader(ReadOnlyMemory<byte> data, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        MaxDepth = maxDepth;
        _data = data;
    }

    /// <summary>The most containers that may be open at once.</summary>
    public int MaxDepth { get; }

    /// <summary>Byte offset of the next item.</summary>
    public int Offset => _offset;

    /// <summary>How many arrays and maps are open.</summary>
    public int Depth => _depth;

    /// <summary>Starts over on new input.</summary>
    public void Reset(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _offset = 0;
        _depth = 0;
        _rootDone = false;
        _headOffset = -1;
    }

    /// <summary>What comes next; checks the next item's head (and, for a link, its CID).</summary>
    public DagCborKind PeekKind()
    {
        if (_depth > 0)
        {
            ref Frame frame = ref _frames[_depth - 1];
            if (frame.Remaining == 0) return frame.IsMap ? DagCborKind.EndMap : DagCborKind.EndArray;
        }
        else if (_rootDone)
        {
            return DagCborKind.End;
        }
        return CheckHead();
    }

    /// <summary>The next item as a <see cref="CborReaderState"/> (floats are always
    /// <see cref="CborReaderState.DoublePrecisionFloat"/>, links <see cref="CborReaderState.Tag"/>).</summary>
    public CborReaderState PeekState() => PeekKind() switch
    {
        DagCborKind.Null => CborReaderState.Null,
        DagCborKind.Boolean => CborReaderState.Boolean,
        DagCborKind.Integer => _negative ? CborReaderState.NegativeInteger : CborReaderState.UnsignedInteger,
        DagCborKind.Float => CborReaderState.DoublePrecisionFloat,
        DagCborKind.Text => CborReaderState.TextString,
        DagCborKind.Bytes => CborReaderState.ByteString,
        DagCborKind.Link => CborReaderState.Tag,
        DagCborKind.Array => CborReaderState.StartArray,
        DagCborKind.Map => CborReaderState.StartMap,
        DagCborKind.EndArray => CborReaderState.EndArray,
        DagCborKind.EndMap => CborReaderState.EndMap,
        _ => CborReaderState.Finished,
    };

    public void ReadNull()
    {
        int start = Expect(DagCborKind.Null);
        EndItem(start);
    }

    public bool ReadBoolean()
    {
        int start = Expect(DagCborKind.Boolean);
        bool value = _data.Span[start] == 0xF5;
        EndItem(start);
        return value;
    }

    /// <summary>Reads an integer that fits in a long.</summary>
    public long ReadInt64()
    {
        int start = Expect(DagCborKind.Integer);
        if (_argument > long.MaxValue)
            throw Fail(start, $"integer {DescribeInteger()} does not fit in a 64-bit signed integer");
        long value = _negative ? -1 - (long)_argument : (long)_argument;
        EndItem(start);
        return value;
    }

    /// <summary>Reads a non-negative integer (0 .. 2^64-1).</summary>
    public ulong ReadUInt64()
    {
        int start = Expect(DagCborKind.Integer);
        if (_negative) throw Fail(start, $"expected an unsigned integer but found {DescribeInteger()}");
        ulong value = _argument;
        EndItem(start);
        return value;
    }

    /// <summary>Reads any DAG-CBOR integer without allocating: returns the CBOR argument; the
    /// value is <c>negative ? -1 - argument : argument</c> (so -2^64 .. 2^64-1).</summary>
    public ulong ReadIntegerRaw(out bool negative)
    {
        int start = Expect(DagCborKind.Integer);
        negative = _negative;
        ulong argument = _argument;
        EndItem(start);
        return argument;
    }

    /// <summary>Reads any DAG-CBOR integer (-2^64 .. 2^64-1).</summary>
    public BigInteger ReadInteger()
    {
        ulong argument = ReadIntegerRaw(out bool negative);
        return negative ? BigInteger.MinusOne - argument : argument;
    }

    public double ReadDouble()
    {
        int start = Expect(DagCborKind.Float);
        double value = BinaryPrimitives.ReadDoubleBigEndian(_data.Span.Slice(start + 1, 8));
        EndItem(start);
        return value;
    }

    public string ReadText()
    {
        int start = Expect(DagCborKind.Text);
        string value = System.Text.Encoding.UTF8.GetString(Payload()); // checked valid in CheckHead
        EndItem(start);
        return value;
    }

    /// <summary>Reads a text string as its (validated) UTF-8 bytes, without copying.</summary>
    public ReadOnlyMemory<byte> ReadTextUtf8()
    {
        int start = Expect(DagCborKind.Text);
        ReadOnlyMemory<byte> value = _data[_headEnd.._itemEnd];
        EndItem(start);
        return value;
    }

    public byte[] ReadBytes() => ReadBytesMemory().ToArray();

    /// <summary>Reads a byte string as a slice of the input, without copying.</summary>
    public ReadOnlyMemory<byte> ReadBytesMemory()
    {
        int start = Expect(DagCborKind.Bytes);
        ReadOnlyMemory<byte> value = _data[_headEnd.._itemEnd];
        EndItem(start);
        return value;
    }

    public Cid ReadLink()
    {
        int start = Expect(DagCborKind.Link);
        Cid link = _link;
        EndItem(start);
        return link;
    }

    /// <summary>Enters an array and returns its item count.</summary>
    public int ReadStartArray() => Enter(isMap: false);

    public void ReadEndArray() => Leave(isMap: false);

    /// <summary>Enters a map and returns its entry count; read each key with
    /// <see cref="ReadText"/> (or <see cref="ReadTextUtf8"/>), then its value.</summary>
    public int ReadStartMap() => Enter(isMap: true);

    public void ReadEndMap() => Leave(isMap: true);

    /// <summary>Skips the next item, checking everything inside it just as reading would.</summary>
    public void SkipValue()
    {
        int depth = _depth;
        do
        {
            DagCborKind kind = PeekKind();
            switch (kind)
            {
                case DagCborKind.Array: ReadStartArray(); break;
                case DagCborKind.Map: ReadStartMap(); break;
                case DagCborKind.EndArray when _depth > depth: ReadEndArray(); break;
                case DagCborKind.EndMap when _depth > depth: ReadEndMap(); break;
                case DagCborKind.EndArray or DagCborKind.EndMap or DagCborKind.End:
                    throw new InvalidOperationException("SkipValue called where no item is left.");
                default:
                    EndItem(Expect(kind));
                    break;
            }
        }
        while (_depth > depth);
    }

    /// <summary>Asserts that the top-level item was read and nothing follows it.</summary>
    public void ReadEnd()
    {
        if (!_rootDone) throw new InvalidOperationException("ReadEnd called before the top-level item was fully read.");
        int left = _data.Length - _offset;
        if (left > 0)
            throw Fail(_offset, $"{left} trailing byte{(left == 1 ? "" : "s")} after the top-level item");
    }

    private int Expect(DagCborKind kind)
    {
        DagCborKind found = PeekKind();
        if (found != kind)
            throw Fail(_offset, $"expected {Describe(kind)} but found {Describe(found)}");
        return _headOffset;
    }

    private ReadOnlySpan<byte> Payload() => _data.Span[_headEnd.._itemEnd];

    /// <summary>Enters an array or a map (whose entries count as two items, key and value) and
    /// returns its item or entry count.</summary>
    private int Enter(bool isMap)
    {
        int start = Expect(isMap ? DagCborKind.Map : DagCborKind.Array);
        int count = (int)_argument;
        if (_depth >= MaxDepth)
            throw Fail(start, $"containers are nested more than {MaxDepth} levels deep");
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = new Frame { IsMap = isMap, Remaining = isMap ? count * 2 : count };
        _offset = _itemEnd;
        _headOffset = -1;
        return count;
    }

    /// <summary>Leaves the array or map being read, once all of it is read.</summary>
    private void Leave(bool isMap)
    {
        if (_depth == 0 || _frames[_depth - 1].IsMap != isMap)
            throw new InvalidOperationException(isMap ? "ReadEndMap called outside a map." : "ReadEndArray called outside an array.");
        int remaining = _frames[_depth - 1].Remaining;
        if (remaining != 0)
            throw new InvalidOperationException(isMap
                ? $"ReadEndMap called with {(remaining + 1) / 2} entries of the map unread."
                : $"ReadEndArray called with {remaining} items of the array unread.");
        _depth--;
        EndItem(-1);
    }

    /// <summary>Bookkeeping after a whole item (start = its offset; -1 for a container, which is
    /// never a key): counts it in its container and checks key order.</summary>
    private void EndItem(int start)
    {
        if (start >= 0) _offset = _itemEnd;
        _headOffset = -1;
        if (_depth == 0)
        {
            _rootDone = true;
            return;
        }
        ref Frame frame = ref _frames[_depth - 1];
        if (frame.IsMap && (frame.Remaining & 1) == 0)
        {
            int length = Offset - start;
            if (frame.PrevKeyLength > 0)
            {
                ReadOnlySpan<byte> data = _data.Span;
                ReadOnlySpan<byte> key = data.Slice(start, length);
                ReadOnlySpan<byte> previous = data.Slice(frame.PrevKeyStart, frame.PrevKeyLength);
                int order = length != previous.Length ? length.CompareTo(previous.Length) : key.SequenceCompareTo(previous);
                if (order == 0)
                    throw Fail(start, $"duplicate map key {ShowKey(key)}");
                if (order < 0)
                    throw Fail(start, $"map key {ShowKey(key)} comes after {ShowKey(previous)} but must sort before it "
                        + "(DAG-CBOR orders keys by encoded length, then bytewise)");
            }
            frame.PrevKeyStart = start;
            frame.PrevKeyLength = length;
        }
        frame.Remaining--;
    }

    /// <summary>Checks the head of the next item (which exists) and caches what it says.</summary>
    private DagCborKind CheckHead()
    {
        int offset = Offset;
        if (_headOffset == offset) return _kind;

        ReadOnlySpan<byte> data = _data.Span;
        if (offset >= data.Length)
            throw Fail(offset, offset == 0 ? "the input is empty" : "the input ends before the item is complete (truncated)");

        bool isKey = _depth > 0 && _frames[_depth - 1].IsMap && (_frames[_depth - 1].Remaining & 1) == 0;
        byte initial = data[offset];
        int major = initial >> 5;
        DagCborKind kind;
        _negative = false;
        _argument = 0;
        int itemEnd;

        if (major == 7)
        {
            kind = CheckSimple(data, offset);
            _headEnd = offset + 1;
            itemEnd = kind == DagCborKind.Float ? offset + 9 : offset + 1;
        }
        else
        {
            _argument = ReadHead(data, offset, out int headLength);
            _headEnd = offset + headLength;
            itemEnd = _headEnd;
            int left = data.Length - offset - headLength;
            switch (major)
            {
                case 0:
                    kind = DagCborKind.Integer;
                    break;
                case 1:
                    kind = DagCborKind.Integer;
                    _negative = true;
                    break;
                case 2:
                case 3:
                    if (_argument > (ulong)left)
                        throw Fail(offset, $"a {(major == 2 ? "byte" : "text")} string of {_argument} bytes runs past the end of the input (truncated)");
                    if (major == 3 && !Utf8.IsValid(data.Slice(offset + headLength, (int)_argument)))
                        throw Fail(offset, "text string is not valid UTF-8");
                    kind = major == 2 ? DagCborKind.Bytes : DagCborKind.Text;
                    itemEnd += (int)_argument;
                    break;
                case 4:
                    if (_argument > (ulong)left)
                        throw Fail(offset, $"an array of {_argument} items cannot fit in the {left} bytes left (truncated)");
                    kind = DagCborKind.Array;
                    break;
                case 5:
                    if (_argument > (ulong)left / 2)
                        throw Fail(offset, $"a map of {_argument} entries cannot fit in the {left} bytes left (truncated)");
                    kind = DagCborKind.Map;
                    break;
                default:
                    if (_argument != DagCborWriter.LinkTag)
                        throw Fail(offset, $"tag {_argument} is not allowed; DAG-CBOR only allows tag 42 (link)");
                    _link = CheckLink(data, offset + headLength, out itemEnd);
                    kind = DagCborKind.Link;
                    break;
            }
        }

        if (isKey && kind != DagCborKind.Text)
            throw Fail(offset, $"map keys must be text strings, found {Describe(kind)}");
        _kind = kind;
        _itemEnd = itemEnd;
        _headOffset = offset;
        return kind;
    }

    private DagCborKind CheckSimple(ReadOnlySpan<byte> data, int offset)
    {
        int info = data[offset] & 0x1F;
        switch (info)
        {
            case 20:
            case 21:
                return DagCborKind.Boolean;
            case 22:
                return DagCborKind.Null;
            case 23:
                throw Fail(offset, "'undefined' (0xf7) is not allowed");
            case 25:
                throw Fail(offset, "16-bit (half-precision) float is not allowed; DAG-CBOR floats are always 64-bit (0xfb)");
            case 26:
                throw Fail(offset, "32-bit (single-precision) float is not allowed; DAG-CBOR floats are always 64-bit (0xfb)");
            case 27:
                if (data.Length - offset < 9)
                    throw Fail(offset, "a 64-bit float runs past the end of the input (truncated)");
                double value = BinaryPrimitives.ReadDoubleBigEndian(data.Slice(offset + 1, 8));
                if (double.IsNaN(value)) throw Fail(offset, "NaN is not allowed");
                if (double.IsInfinity(value)) throw Fail(offset, $"{(value > 0 ? "Infinity" : "-Infinity")} is not allowed");
                return DagCborKind.Float;
            case 31:
                throw Fail(offset, "unexpected 'break' (0xff); indefinite-length items are not allowed");
            case >= 28:
                throw Fail(offset, $"reserved additional information {info} in 0x{data[offset]:x2} (malformed CBOR)");
            case 24:
                throw Fail(offset, "simple values other than false, true and null are not allowed (0xf8)");
            default:
                throw Fail(offset, $"simple value {info} is not allowed; only false, true and null are");
        }
    }

    /// <summary>Reads the argument of a major type 0-6 head, rejecting indefinite lengths,
    /// reserved values, truncation and non-shortest forms.</summary>
    private static ulong ReadHead(ReadOnlySpan<byte> data, int offset, out int headLength)
    {
        byte initial = data[offset];
        int major = initial >> 5;
        int info = initial & 0x1F;
        if (info < 24)
        {
            headLength = 1;
            return (ulong)info;
        }
        if (info == 31)
        {
            throw major is 2 or 3 or 4 or 5
                ? Fail(offset, $"indefinite-length {MajorName(major)} (0x{initial:x2}) is not allowed")
                : Fail(offset, $"0x{initial:x2} is malformed CBOR (indefinite length on {MajorName(major)})");
        }
        if (info > 27)
            throw Fail(offset, $"reserved additional information {info} in 0x{initial:x2} (malformed CBOR)");

        int size = 1 << (info - 24);
        if (data.Length - offset - 1 < size)
            throw Fail(offset, $"the head of a {MajorName(major)} runs past the end of the input (truncated)");
        ReadOnlySpan<byte> bytes = data.Slice(offset + 1, size);
        ulong argument = size switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64BigEndian(bytes),
        };
        ulong shortest = size switch { 1 => 23, 2 => byte.MaxValue, 4 => ushort.MaxValue, _ => uint.MaxValue };
        if (argument <= shortest)
            throw Fail(offset, $"{MajorName(major)} {(major is 0 or 1 or 6 ? "" : "length ")}{argument} is encoded in {size + 1} bytes; the shortest form is required");
        headLength = 1 + size;
        return argument;
    }

    private static Cid CheckLink(ReadOnlySpan<byte> data, int offset, out int end)
    {
        if (offset >= data.Length)
            throw Fail(offset, "tag 42 is not followed by its content (truncated)");
        if (data[offset] >> 5 != 2)
            throw Fail(offset, $"tag 42 must hold a byte string, found {MajorName(data[offset] >> 5)}");
        ulong length = ReadHead(data, offset, out int headLength);
        int left = data.Length - offset - headLength;
        if (length > (ulong)left)
            throw Fail(offset, $"the tag 42 byte string of {length} bytes runs past the end of the input (truncated)");
        ReadOnlySpan<byte> content = data.Slice(offset + headLength, (int)length);
        end = offset + headLength + (int)length;
        if (content.IsEmpty || content[0] != 0)
            throw Fail(offset, "the tag 42 byte string must start with 0x00 (the identity multibase prefix)");
        string? error = Cid.TryFromBytesCore(content[1..], out Cid cid);
        if (error is not null)
            throw Fail(offset + headLength + 1, "tag 42 does not hold a valid CID: " + error.TrimEnd('.'));
        return cid;
    }

    private string DescribeInteger() => _negative ? (BigInteger.MinusOne - _argument).ToString() : _argument.ToString();

    private static string MajorName(int major) => major switch
    {
        0 => "unsigned integer",
        1 => "negative integer",
        2 => "byte string",
        3 => "text string",
        4 => "array",
        5 => "map",
        6 => "tag",
        _ => "simple value or float",
    };

    private static string Describe(DagCborKind kind) => kind switch
    {
        DagCborKind.Null => "null",
        DagCborKind.Boolean => "a boolean",
        DagCborKind.Integer => "an integer",
        DagCborKind.Float => "a float",
        DagCborKind.Text => "a text string",
        DagCborKind.Bytes => "a byte string",
        DagCborKind.Link => "a link (tag 42)",
        DagCborKind.Array => "an array",
        DagCborKind.Map => "a map",
        DagCborKind.EndArray => "the end of the array",
        DagCborKind.EndMap => "the end of the map",
        _ => "the end of the input",
    };

    private static string ShowKey(ReadOnlySpan<byte> encodedKey)
    {
        // encodedKey is a whole text string item; skip its head.
        int info = encodedKey[0] & 0x1F;
        int head = info < 24 ? 1 : 1 + (1 << (info - 24));
        string key = System.Text.Encoding.UTF8.GetString(encodedKey[head..]);
        if (key.Length > MaxKeyLengthInMessages) key = key[..MaxKeyLengthInMessages] + "…";
        return "\"" + key + "\"";
    }

    private static NonCanonicalCborException Fail(int offset, string what) =>
        new($"Not canonical DAG-CBOR at byte offset {offset}: {what}.");
}
