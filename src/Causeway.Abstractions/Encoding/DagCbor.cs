using System.Numerics;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>Encodes and decodes <see cref="IpldNode"/> trees as canonical DAG-CBOR.</summary>
public static class DagCbor
{
    /// <summary>The deepest nesting of lists and maps accepted either way.</summary>
    public const int MaxDepth = DagCborReader.DefaultMaxDepth;

    /// <exception cref="InvalidInputException">Nesting deeper than <see cref="MaxDepth"/> (code invalid_value).</exception>
    public static byte[] Encode(IpldNode node)
    {
        var writer = new DagCborWriter();
        Write(writer, node);
        return writer.Encode();
    }

    /// <summary>The CID of the DAG-CBOR encoding of <paramref name="node"/>.</summary>
    public static Cid ComputeCid(IpldNode node) => Cid.ForDagCbor(Encode(node));

    /// <summary>Writes <paramref name="node"/> as the next value of <paramref name="writer"/>.</summary>
    public static void Write(DagCborWriter writer, IpldNode node)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(node);
        node.Write(writer, 0);
    }

    /// <exception cref="NonCanonicalCborException">Anything but one canonical DAG-CBOR value.</exception>
    public static IpldNode Decode(ReadOnlySpan<byte> bytes) => Decode(bytes.ToArray());

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte})"/>
    public static IpldNode Decode(byte[] bytes) => Decode(new ReadOnlyMemory<byte>(bytes));

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte})"/>
    public static IpldNode Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new DagCborReader(bytes, MaxDepth);
        IpldNode node = Read(reader);
        reader.ReadEnd();
        return node;
    }

    /// <summary>Reads the next value of <paramref name="reader"/> (depth bounded by the reader).</summary>
    public static IpldNode Read(DagCborReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        switch (reader.PeekKind())
        {
            case DagCborKind.Null:
                reader.ReadNull();
                return IpldNull.Instance;
            case DagCborKind.Boolean:
                return reader.ReadBoolean() ? IpldBool.True : IpldBool.False;
            case DagCborKind.Integer:
                ulong argument = reader.ReadIntegerRaw(out bool negative);
                return negative
                    ? new IpldInteger(argument <= long.MaxValue ? BigInteger.MinusOne - (long)argument : BigInteger.MinusOne - argument)
                    : new IpldInteger(argument);
            case DagCborKind.Float:
                return new IpldFloat(reader.ReadDouble());
            case DagCborKind.Text:
                return new IpldString(reader.ReadText(), trusted: true);
            case DagCborKind.Bytes:
                return new IpldBytes(reader.ReadBytesMemory().Span);
            case DagCborKind.Link:
                return new IpldLink(reader.ReadLink());
            case DagCborKind.Array:
            {
                int count = reader.ReadStartArray();
                var items = new IpldNode[count];
                for (int i = 0; i < count; i++) items[i] = Read(reader);
                reader.ReadEndArray();
                return new IpldList(items, owned: true);
            }
            case DagCborKind.Map:
            {
                int count = reader.ReadStartMap();
                var entries = new KeyValuePair<string, IpldNode>[count];
                for (int i = 0; i < count; i++)
                {
                    string key = reader.ReadText();
                    entries[i] = KeyValuePair.Create(key, Read(reader));
                }
                reader.ReadEndMap();
                return new IpldMap(entries, owned: true);
            }
            default:
                throw new InvalidOperationException($"DagCbor.Read called where no value is left ({reader.PeekKind()}).");
        }
    }

    internal static void CheckDepth(int depth)
    {
        if (depth >= MaxDepth)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Lists and maps are nested more than {MaxDepth} levels deep.");
    }
}
