using System.Buffers.Binary;
using System.Globalization;
using Causeway.Values;

namespace Causeway.Queries.Indexes;

/// <summary>The index's key encoding of a value (docs/indexes.md, "Collation"): byte order follows
/// the query order. A rank byte comes first (null &lt; false &lt; true &lt; numbers &lt; strings &lt;
/// bytes &lt; timestamps &lt; arrays &lt; maps), then the value:
/// <list type="bullet">
/// <item>numbers of every kind as the double nearest their exact value, 8 bytes ordered like the
/// doubles. Rounding to nearest is monotone, so a smaller number never gets a larger key and equal
/// numbers (1, 1.0, 1.00) get the same one; two numbers that round alike share a key and the
/// query's recheck tells them apart;</item>
/// <item>strings by UTF-16 code unit (the query order, which UTF-8 bytes would not keep), each unit
/// in 1 to 3 bytes that keep its order, ended by 0; only the first <see cref="MaxStringUnits"/>
/// units;</item>
/// <item>bytes with 0 escaped as 0 FF, ended by 0 01; only the first <see cref="MaxBytes"/>;</item>
/// <item>timestamps as 8 bytes of microseconds; arrays and maps by their rank alone.</item>
/// </list>
/// Every encoding delimits itself, so an id can follow it in a key. A key that drops part of its
/// value (long strings and bytes, arrays, maps) only ever makes a query look at more documents,
/// never fewer, because every candidate is rechecked against the query.</summary>
internal static class Collation
{
    public const byte Null = 0x10, False = 0x20, True = 0x21, Number = 0x30, String = 0x40, Bytes = 0x50, Timestamp = 0x60, Array = 0x70, Map = 0x80;

    public const int MaxStringUnits = 64;
    public const int MaxBytes = 64;

    /// <summary>The longest key <see cref="Write"/> makes.</summary>
    public const int MaxLength = 2 + MaxStringUnits * 3;

    public static byte[] Encode(Value value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..Write(value, buffer)].ToArray();
    }

    /// <summary>Writes the key of <paramref name="value"/>; returns its length (at most <see cref="MaxLength"/>).</summary>
    public static int Write(Value value, Span<byte> to)
    {
        switch (value.Kind)
        {
            case ValueKind.Null: to[0] = Null; return 1;
            case ValueKind.Bool: to[0] = value.AsBool() ? True : False; return 1;
            case ValueKind.Int or ValueKind.Double or ValueKind.Decimal:
                to[0] = Number;
                BinaryPrimitives.WriteUInt64BigEndian(to[1..], OrderedBits(NearestDouble(value)));
                return 9;
            case ValueKind.String:
                to[0] = String;
                return 1 + WriteUnits(value.AsString().AsSpan(), to[1..], terminate: true);
            case ValueKind.Bytes:
            {
                to[0] = Bytes;
                var bytes = value.AsBytes().Span;
                int at = 1;
                foreach (byte b in bytes[..Math.Min(bytes.Length, MaxBytes)])
                {
                    to[at++] = b;
                    if (b == 0) to[at++] = 0xFF;
                }
                to[at++] = 0;
                to[at++] = 1;
                return at;
            }
            case ValueKind.Timestamp:
                to[0] = Timestamp;
                BinaryPrimitives.WriteUInt64BigEndian(to[1..], (ulong)value.AsTimestampMicros() ^ 0x8000_0000_0000_0000UL);
                return 9;
            case ValueKind.Array: to[0] = Array; return 1;
            default: to[0] = Map; return 1;
        }
    }

    /// <summary>The key prefix every string starting with <paramref name="prefix"/> has (no terminator).</summary>
    public static byte[] StringPrefix(string prefix)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        buffer[0] = String;
        return buffer[..(1 + WriteUnits(prefix.AsSpan(), buffer[1..], terminate: false))].ToArray();
    }

    /// <summary>How many bytes the key at the start of <paramref name="key"/> takes.</summary>
    public static int Length(ReadOnlySpan<byte> key)
    {
        switch (key[0])
        {
            case Number or Timestamp: return 9;
            case String:
            {
                int at = 1;
                while (key[at] != 0) at += key[at] < 0x80 ? 1 : key[at] < 0xA0 ? 2 : 3;
                return at + 1;
            }
            case Bytes:
            {
                int at = 1;
                while (!(key[at] == 0 && key[at + 1] == 1)) at += key[at] == 0 ? 2 : 1;
                return at + 2;
            }
            default: return 1;
        }
    }

    /// <summary>The rank byte of a value kind: a range over one rank stays within [rank, rank + 1).</summary>
    public static byte RankOf(ValueKind kind) => kind switch
    {
        ValueKind.Null => Null,
        ValueKind.Bool => False,
        ValueKind.Int or ValueKind.Double or ValueKind.Decimal => Number,
        ValueKind.String => String,
        ValueKind.Bytes => Bytes,
        ValueKind.Timestamp => Timestamp,
        ValueKind.Array => Array,
        _ => Map,
    };

    /// <summary>The double nearest the number's exact value (conversions round to nearest, so they are monotone).</summary>
    internal static double NearestDouble(Value number) => number.Kind switch
    {
        ValueKind.Int => number.AsInt(),
        ValueKind.Double => number.AsDouble(),
        // Parsing rounds correctly; the decimal-to-double cast does not promise to.
        _ => double.Parse(number.AsDecimal().ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Doubles as unsigned integers in the same order; -0 and 0 are one number.</summary>
    private static ulong OrderedBits(double d)
    {
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(d == 0 ? 0.0 : d);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    /// <summary>UTF-16 units in order-keeping varints: 0..7E as one byte 01..7F; then two bytes whose
    /// first is 80..9F; then three bytes starting A0. A shorter string's 0 sorts before any unit.</summary>
    private static int WriteUnits(ReadOnlySpan<char> text, Span<byte> to, bool terminate)
    {
        int at = 0;
        foreach (char c in text[..Math.Min(text.Length, MaxStringUnits)])
        {
            int u = c;
            if (u < 0x7F) to[at++] = (byte)(u + 1);
            else if (u < 0x7F + 0x2000)
            {
                int x = u - 0x7F;
                to[at++] = (byte)(0x80 | (x >> 8));
                to[at++] = (byte)x;
            }
            else
            {
                int x = u - (0x7F + 0x2000);
                to[at++] = 0xA0;
                to[at++] = (byte)(x >> 8);
                to[at++] = (byte)x;
            }
        }
        if (terminate) to[at++] = 0;
        return at;
    }
}
