using System.Text;

namespace Causeway.Encoding;

public sealed class IpldLink : IpldNode
{
    public IpldLink(Cid cid)
    {
        if (cid.IsDefault) throw new ArgumentException("A link needs a CID, not default(Cid).", nameof(cid));
        Value = cid;
    }

    public Cid Value { get; }

    public override IpldKind Kind => IpldKind.Link;

    public override bool Equals(IpldNode? other) => other is IpldLink l && l.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append("42(").Append(Value.ToString()).Append(')');

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteLink(Value);
}
