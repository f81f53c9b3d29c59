using System.Globalization;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Values in DAG-CBOR: null, bool, int, float64, text, bytes, arrays and maps map onto
/// themselves; a decimal is <c>{"$decimal": "1.50"}</c> and a timestamp <c>{"$time": micros}</c>
/// (field names starting with '$' are reserved, so these never collide with user maps).</summary>
public static class ValueCbor
{
    public static void Write(DagCborWriter writer, Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Null: writer.WriteNull(); break;
            case ValueKind.Bool: writer.WriteBoolean(value.AsBool()); break;
            case ValueKind.Int: writer.WriteInt64(value.AsInt()); break;
            case ValueKind.Double: writer.WriteDouble(value.AsDouble()); break;
            case ValueKind.String: writer.WriteText(value.AsString()); break;
            case ValueKind.Bytes: writer.WriteBytes(value.AsBytes().Span); break;
            case ValueKind.Decimal:
                writer.WriteStartMap(1);
                writer.WriteText("$decimal");
                writer.WriteText(value.AsDecimal().ToString(CultureInfo.InvariantCulture));
                writer.WriteEndMap();
                break;
            case ValueKind.Timestamp:
                writer.WriteStartMap(1);
                writer.WriteText("$time");
                writer.WriteInt64(value.AsTimestampMicros());
                writer.WriteEndMap();
                break;
            case ValueKind.Array:
                var items = value.ArrayItems;
                writer.WriteStartArray(items.Length);
                foreach (var item in items) Write(writer, item);
                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                var entries = value.MapEntries;
                writer.WriteStartMap(entries.Length);
                foreach (var (key, item) in entries)
                {
                    writer.WriteText(key);
                    Write(writer, item);
                }
                writer.WriteEndMap();
                break;
        }
    }

    /// <summary>How many bytes <see cref="Write"/> makes of <paramref name="value"/>, counted without
    /// writing them (quotas measure every document version this way).</summary>
    public static long Length(Value value) => value.Kind switch
    {
        ValueKind.Null or ValueKind.Bool => 1,
        ValueKind.Int => IntLength(value.AsInt()),
        ValueKind.Double => 9,
        ValueKind.String => TextLength(value.AsString()),
        ValueKind.Bytes => Head((ulong)value.AsBytes().Length) + value.AsBytes().Length,
        ValueKind.Decimal => 1 + TextLength("$decimal") + TextLength(value.AsDecimal().ToString(CultureInfo.InvariantCulture)),
        ValueKind.Timestamp => 1 + TextLength("$time") + IntLength(value.AsTimestampMicros()),
        ValueKind.Array => ArrayLength(value.ArrayItems),
        _ => MapLength(value.MapEntries),
    };

    private static long ArrayLength(ReadOnlySpan<Value> items)
    {
        long length = Head((ulong)items.Length);
        foreach (var item in items) length += Length(item);
        return length;
    }

    private static long MapLength(ReadOnlySpan<KeyValuePair<string, Value>> entries)
    {
        long length = Head((ulong)entries.Length);
        foreach (var (key, item) in entries) length += TextLength(key) + Length(item);
        return length;
    }

    // A negative integer's head carries -1 - n, which is ~n.
    private static int IntLength(long n) => Head(n >= 0 ? (ulong)n : ~(ulong)n);

    private static long TextLength(string text)
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        return Head((ulong)bytes) + bytes;
    }

    /// <summary>The size of a CBOR head carrying <paramref name="n"/> (the shortest form, as DAG-CBOR requires).</summary>
    private static int Head(ulong n) => n < 24 ? 1 : n <= byte.MaxValue ? 2 : n <= ushort.MaxValue ? 3 : n <= uint.MaxValue ? 5 : 9;

    public static Value Read(DagCborReader reader)
    {
        switch (reader.PeekKind())
        {
            case DagCborKind.Null: reader.ReadNull(); return Value.Null;
            case DagCborKind.Boolean: return Value.Bool(reader.ReadBoolean());
            case DagCborKind.Integer: return Value.Int(reader.ReadInt64());
            case DagCborKind.Float: return Value.Double(reader.ReadDouble());
            case DagCborKind.Text: return Value.String(reader.ReadText());
            case DagCborKind.Bytes: return Value.Bytes(reader.ReadBytesMemory().Span);
            case DagCborKind.Array:
            {
                int n = reader.ReadStartArray();
                var items = new Value[n];
                for (int i = 0; i < n; i++) items[i] = Read(reader);
                reader.ReadEndArray();
                return Value.Array(items);
            }
            case DagCborKind.Map:
            {
                int n = reader.ReadStartMap();
                var entries = new List<KeyValuePair<string, Value>>(n);
                for (int i = 0; i < n; i++)
                {
                    string key = reader.ReadText();
                    if (n == 1 && key == "$decimal")
                    {
                        string text = reader.ReadText();
                        reader.ReadEndMap();
                        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
                            ? Value.Decimal(d) : throw new NonCanonicalCborException($"'{Names.Clip(text)}' is not a decimal.");
                    }
                    if (n == 1 && key == "$time")
                    {
                        long micros = reader.ReadInt64();
                        reader.ReadEndMap();
                        return Value.TimestampFromMicros(micros);
                    }
                    if (key.StartsWith('$')) throw new NonCanonicalCborException($"Map key '{Names.Clip(key)}' is reserved.");
                    entries.Add(new(key, Read(reader)));
                }
                reader.ReadEndMap();
                return Value.Map(entries);
            }
            default:
                throw new NonCanonicalCborException($"A link or unexpected item where a value was expected at byte {reader.Offset}.");
        }
    }

    public static byte[] Encode(Value value)
    {
        var writer = new DagCborWriter();
        Write(writer, value);
        return writer.Encode();
    }

    public static Value Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new DagCborReader(bytes);
        var value = Read(reader);
        reader.ReadEnd();
        return value;
    }
}
