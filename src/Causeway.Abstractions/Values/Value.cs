using Causeway.Errors;

namespace Causeway.Values;

/// <summary>The kinds of value a document field can hold (docs/data-model.md).</summary>
public enum ValueKind : byte { Null, Bool, Int, Double, Decimal, String, Bytes, Timestamp, Array, Map }

/// <summary>An immutable JSON-like value. Equality is exact (kind and content); <see cref="CompareTo"/>
/// is a total order in which the three number kinds compare by numeric value, so queries and
/// deterministic tie-breaks agree on every replica.</summary>
public abstract class Value : IEquatable<Value>, IComparable<Value>
{
    private protected Value() { }

    public abstract ValueKind Kind { get; }

    public static readonly Value Null = new NullValue();
    public static readonly Value True = new BoolValue(true);
    public static readonly Value False = new BoolValue(false);

    public static Value Bool(bool value) => value ? True : False;
    public static Value Int(long value) => new IntValue(value);

    public static Value Double(double value) =>
        double.IsFinite(value) ? new DoubleValue(value)
        : throw new InvalidInputException(ErrorCodes.InvalidValue, "NaN and infinite numbers cannot be stored.");

    public static Value Decimal(decimal value) => new DecimalValue(value);

    public static Value String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsWellFormed(value))
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A string contains an unpaired surrogate.");
        return new StringValue(value);
    }

    public static Value Bytes(ReadOnlySpan<byte> value) => new BytesValue(value.ToArray());

    /// <summary>A point in time, kept to the microsecond as UTC.</summary>
    public static Value Timestamp(DateTimeOffset value) => new TimestampValue((value.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);

    public static Value TimestampFromMicros(long unixMicros) => new TimestampValue(unixMicros);

    public static Value Array(IEnumerable<Value> items) => new ArrayValue([.. items]);

    /// <summary>A map; keys are kept in ordinal order. A repeated key, or one starting with '$', is an error.</summary>
    public static Value Map(IEnumerable<KeyValuePair<string, Value>> entries)
    {
        // One array, sorted in place (most maps come sorted already: a document's own fields).
        KeyValuePair<string, Value>[] sorted = [.. entries];
        bool inOrder = true;
        for (int i = 0; i < sorted.Length; i++)
        {
            string key = sorted[i].Key;
            if (!IsWellFormed(key))
                throw new InvalidInputException(ErrorCodes.InvalidValue, "A map key contains an unpaired surrogate.");
            if (key.StartsWith('$'))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Map key '{(key.Length > 40 ? key[..40] + "…" : key)}' is reserved: keys starting with '$' name typed values ($decimal, $time, $bytes).");
            if (i > 0 && string.CompareOrdinal(sorted[i - 1].Key, key) >= 0) inOrder = false;
        }
        if (!inOrder) System.Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (int i = 1; i < sorted.Length; i++)
            if (string.Equals(sorted[i - 1].Key, sorted[i].Key, StringComparison.Ordinal))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Key '{sorted[i].Key}' appears twice in one object.");
        return new MapValue(sorted);
    }

    public static readonly Value EmptyMap = new MapValue([]);

    public bool IsNull => Kind == ValueKind.Null;

    public bool AsBool() => ((BoolValue)this).Content;
    public long AsInt() => ((IntValue)this).Content;
    public double AsDouble() => ((DoubleValue)this).Content;
    public decimal AsDecimal() => ((DecimalValue)this).Content;
    public string AsString() => ((StringValue)this).Content;
    public ReadOnlyMemory<byte> AsBytes() => ((BytesValue)this).Content;
    public long AsTimestampMicros() => ((TimestampValue)this).Micros;
    public DateTimeOffset AsTimestamp() => new(DateTime.UnixEpoch.Ticks + ((TimestampValue)this).Micros * 10, TimeSpan.Zero);
    public IReadOnlyList<Value> AsArray() => ((ArrayValue)this).Items;
    public IReadOnlyList<KeyValuePair<string, Value>> AsMap() => ((MapValue)this).Entries;

    // The same, as spans: a foreach over them allocates no enumerator (encoding and indexing walk every
    // value of every document written).
    internal ReadOnlySpan<Value> ArrayItems => ((ArrayValue)this).Items;
    internal ReadOnlySpan<KeyValuePair<string, Value>> MapEntries => ((MapValue)this).Entries;

    public bool IsNumber => Kind is ValueKind.Int or ValueKind.Double or ValueKind.Decimal;

    /// <summary>Looks a key up in a map value; null when absent or when this is not a map.</summary>
    public Value? Get(string key)
    {
        if (this is not MapValue map) return null;
        var entries = map.Entries;
        int lo = 0, hi = entries.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(entries[mid].Key, key);
            if (c == 0) return entries[mid].Value;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return null;
    }

    public abstract bool Equals(Value? other);
    public override bool Equals(object? obj) => obj is Value v && Equals(v);
    public abstract override int GetHashCode();
    public static bool operator ==(Value? a, Value? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Value? a, Value? b) => !(a == b);

    public int CompareTo(Value? other)
    {
        if (other is null) return 1;
        int ra = Rank(Kind), rb = Rank(other.Kind);
        if (ra != rb) return ra.CompareTo(rb);
        if (IsNumber)
        {
            int n = CompareNumbers(this, other);
            return n != 0 ? n : Kind.CompareTo(other.Kind);
        }
        return CompareSameKind(other);
    }

    private protected abstract int CompareSameKind(Value other);

    /// <summary>Kinds that compare with each other share a rank (the three number kinds); ranks order the kinds.</summary>
    internal static int Rank(ValueKind kind) => kind switch
    {
        ValueKind.Null => 0,
        ValueKind.Bool => 1,
        ValueKind.Int or ValueKind.Double or ValueKind.Decimal => 2,
        ValueKind.String => 3,
        ValueKind.Bytes => 4,
        ValueKind.Timestamp => 5,
        ValueKind.Array => 6,
        _ => 7,
    };

    /// <summary>Compares two numbers of any kinds by their exact mathematical value (no kind
    /// tie-break): 2^53 + 1 is greater than the double 2^53, and 0.1 (a decimal) is less than the
    /// double nearest 0.1. An exact order is a total order, which indexes and queries rely on.</summary>
    internal static int CompareNumbers(Value a, Value b)
    {
        var (ka, kb) = (a.Kind, b.Kind);
        if (ka == ValueKind.Int && kb == ValueKind.Int) return a.AsInt().CompareTo(b.AsInt());
        if (ka == ValueKind.Double && kb == ValueKind.Double) return a.AsDouble().CompareTo(b.AsDouble());
        if (ka != ValueKind.Double && kb != ValueKind.Double) return ToDecimal(a).CompareTo(ToDecimal(b));
        if (ka == ValueKind.Double) return -CompareWithDouble(b, a.AsDouble());
        return CompareWithDouble(a, b.AsDouble());
    }

    /// <summary>An int or a decimal against a double, exactly.</summary>
    private static int CompareWithDouble(Value exact, double d)
    {
        if (exact.Kind == ValueKind.Int)
        {
            long i = exact.AsInt();
            // Every double at or beyond ±2^63 is beyond every long; inside, its whole part is a long.
            if (d >= 9223372036854775808.0) return -1;
            if (d < -9223372036854775808.0) return 1;
            double whole = Math.Truncate(d);
            int c = i.CompareTo((long)whole);
            return c != 0 ? c : 0.0.CompareTo(d - whole);
        }
        return ExactRational.Compare(exact.AsDecimal(), d);
    }

    private static decimal ToDecimal(Value v) => v.Kind == ValueKind.Int ? v.AsInt() : v.AsDecimal();

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    public override string ToString() => ValueJson.ToJsonString(this);

    private sealed class NullValue : Value
    {
        public override ValueKind Kind => ValueKind.Null;
        public override bool Equals(Value? other) => other is NullValue;
        public override int GetHashCode() => 0;
        private protected override int CompareSameKind(Value other) => 0;
    }

    private sealed class BoolValue(bool content) : Value
    {
        public readonly bool Content = content;
        public override ValueKind Kind => ValueKind.Bool;
        public override bool Equals(Value? other) => other is BoolValue b && b.Content == Content;
        public override int GetHashCode() => Content ? 1 : 2;
        private protected override int CompareSameKind(Value other) => Content.CompareTo(((BoolValue)other).Content);
    }

    private sealed class IntValue(long content) : Value
    {
        public readonly long Content = content;
        public override ValueKind Kind => ValueKind.Int;
        public override bool Equals(Value? other) => other is IntValue i && i.Content == Content;
        public override int GetHashCode() => HashCode.Combine(1, Content);
        private protected override int CompareSameKind(Value other) => Content.CompareTo(((IntValue)other).Content);
    }

    private sealed class DoubleValue(double content) : Value
    {
        public readonly double Content = content;
        public override ValueKind Kind => ValueKind.Double;
        // Bitwise, so 0.0 and -0.0 stay distinct values as they are distinct encodings.
        public override bool Equals(Value? other) => other is DoubleValue d && BitConverter.DoubleToInt64Bits(d.Content) == BitConverter.DoubleToInt64Bits(Content);
        public override int GetHashCode() => HashCode.Combine(2, BitConverter.DoubleToInt64Bits(Content));
        private protected override int CompareSameKind(Value other) => Content.CompareTo(((DoubleValue)other).Content);
    }

    private sealed class DecimalValue(decimal content) : Value
    {
        public readonly decimal Content = content;
        public override ValueKind Kind => ValueKind.Decimal;
        // decimal keeps its scale (1.50 vs 1.5); equality follows the stored text, as the encoding does.
        public override bool Equals(Value? other) => other is DecimalValue d && d.Content == Content && d.Content.Scale == Content.Scale;
        public override int GetHashCode() => HashCode.Combine(3, Content, Content.Scale);
        private protected override int CompareSameKind(Value other) => Content.CompareTo(((DecimalValue)other).Content);
    }

    private sealed class StringValue(string content) : Value
    {
        public readonly string Content = content;
        public override ValueKind Kind => ValueKind.String;
        public override bool Equals(Value? other) => other is StringValue s && string.Equals(s.Content, Content, StringComparison.Ordinal);
        public override int GetHashCode() => string.GetHashCode(Content, StringComparison.Ordinal);
        private protected override int CompareSameKind(Value other) => string.CompareOrdinal(Content, ((StringValue)other).Content);
    }

    private sealed class BytesValue(byte[] content) : Value
    {
        public readonly byte[] Content = content;
        public override ValueKind Kind => ValueKind.Bytes;
        public override bool Equals(Value? other) => other is BytesValue b && b.Content.AsSpan().SequenceEqual(Content);
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.AddBytes(Content);
            return h.ToHashCode();
        }
        private protected override int CompareSameKind(Value other) => Content.AsSpan().SequenceCompareTo(((BytesValue)other).Content);
    }

    private sealed class TimestampValue(long micros) : Value
    {
        public readonly long Micros = micros;
        public override ValueKind Kind => ValueKind.Timestamp;
        public override bool Equals(Value? other) => other is TimestampValue t && t.Micros == Micros;
        public override int GetHashCode() => HashCode.Combine(7, Micros);
        private protected override int CompareSameKind(Value other) => Micros.CompareTo(((TimestampValue)other).Micros);
    }

    private sealed class ArrayValue(Value[] items) : Value
    {
        public readonly Value[] Items = items;
        public override ValueKind Kind => ValueKind.Array;
        public override bool Equals(Value? other)
        {
            if (other is not ArrayValue a || a.Items.Length != Items.Length) return false;
            for (int i = 0; i < Items.Length; i++)
                if (!Items[i].Equals(a.Items[i])) return false;
            return true;
        }
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(8);
            foreach (var item in Items) h.Add(item);
            return h.ToHashCode();
        }
        private protected override int CompareSameKind(Value other)
        {
            var b = ((ArrayValue)other).Items;
            for (int i = 0; i < Math.Min(Items.Length, b.Length); i++)
            {
                int c = Items[i].CompareTo(b[i]);
                if (c != 0) return c;
            }
            return Items.Length.CompareTo(b.Length);
        }
    }

    private sealed class MapValue(KeyValuePair<string, Value>[] entries) : Value
    {
        public readonly KeyValuePair<string, Value>[] Entries = entries;
        public override ValueKind Kind => ValueKind.Map;
        public override bool Equals(Value? other)
        {
            if (other is not MapValue m || m.Entries.Length != Entries.Length) return false;
            for (int i = 0; i < Entries.Length; i++)
                if (!string.Equals(Entries[i].Key, m.Entries[i].Key, StringComparison.Ordinal) || !Entries[i].Value.Equals(m.Entries[i].Value)) return false;
            return true;
        }
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(9);
            foreach (var (k, v) in Entries) { h.Add(k); h.Add(v); }
            return h.ToHashCode();
        }
        private protected override int CompareSameKind(Value other)
        {
            var b = ((MapValue)other).Entries;
            for (int i = 0; i < Math.Min(Entries.Length, b.Length); i++)
            {
                int c = string.CompareOrdinal(Entries[i].Key, b[i].Key);
                if (c != 0) return c;
                c = Entries[i].Value.CompareTo(b[i].Value);
                if (c != 0) return c;
            }
            return Entries.Length.CompareTo(b.Length);
        }
    }
}
