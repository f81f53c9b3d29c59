using System.Globalization;
using System.Numerics;
using System.Text;

namespace Causeway.Encoding;

/// <summary>A value of the IPLD data model, for tools and tests (the engine's hot paths use
/// <see cref="DagCborWriter"/> and <see cref="DagCborReader"/> directly). Immutable, with
/// structural equality: floats compare by their bits (so 0.0 differs from -0.0), maps compare
/// as sets of entries. <see cref="ToString"/> gives CBOR diagnostic notation.</summary>
public abstract class IpldNode : IEquatable<IpldNode>
{
    private protected IpldNode() { }

    public abstract IpldKind Kind { get; }

    public static IpldNode Null => IpldNull.Instance;

    public static IpldNode Bool(bool value) => value ? IpldBool.True : IpldBool.False;

    public static IpldNode Integer(BigInteger value) => new IpldInteger(value);

    public static IpldNode Integer(long value) => new IpldInteger(value);

    public static IpldNode Float(double value) => new IpldFloat(value);

    public static IpldNode String(string value) => new IpldString(value);

    public static IpldNode Bytes(ReadOnlySpan<byte> value) => new IpldBytes(value);

    public static IpldNode List(params IEnumerable<IpldNode> items) => new IpldList(items);

    public static IpldNode Map(IEnumerable<KeyValuePair<string, IpldNode>> entries) => new IpldMap(entries);

    public static IpldNode Map(params IEnumerable<(string Key, IpldNode Value)> entries) =>
        new IpldMap(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    public static IpldNode Link(Cid cid) => new IpldLink(cid);

    public abstract bool Equals(IpldNode? other);

    public sealed override bool Equals(object? obj) => obj is IpldNode other && Equals(other);

    public abstract override int GetHashCode();

    public static bool operator ==(IpldNode? left, IpldNode? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(IpldNode? left, IpldNode? right) => !(left == right);

    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        AppendDiagnostic(builder);
        return builder.ToString();
    }

    internal abstract void AppendDiagnostic(StringBuilder builder);

    /// <summary>Writes the node as the next value of <paramref name="writer"/>, at nesting
    /// <paramref name="depth"/> (<see cref="DagCbor.Write"/>).</summary>
    internal abstract void Write(DagCborWriter writer, int depth);

    internal static void AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case < ' ' or (>= '\u007f' and <= '\u009f'):
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}
