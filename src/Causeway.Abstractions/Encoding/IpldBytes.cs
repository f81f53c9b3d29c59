using System.Text;

namespace Causeway.Encoding;

public sealed class IpldBytes : IpldNode
{
    private readonly byte[] _value;

    public IpldBytes(ReadOnlySpan<byte> value) => _value = value.ToArray();

    public ReadOnlyMemory<byte> Value => _value;

    public override IpldKind Kind => IpldKind.Bytes;

    public override bool Equals(IpldNode? other) => other is IpldBytes b && b._value.AsSpan().SequenceEqual(_value);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_value);
        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder) =>
        builder.Append("h'").Append(Convert.ToHexStringLower(_value)).Append('\'');

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteBytes(_value);
}
