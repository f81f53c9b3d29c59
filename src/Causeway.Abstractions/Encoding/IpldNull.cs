using System.Text;

namespace Causeway.Encoding;

public sealed class IpldNull : IpldNode
{
    public static readonly IpldNull Instance = new();

    private IpldNull() { }

    public override IpldKind Kind => IpldKind.Null;

    public override bool Equals(IpldNode? other) => other is IpldNull;

    public override int GetHashCode() => 0x4E554C4C;

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append("null");

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteNull();
}
