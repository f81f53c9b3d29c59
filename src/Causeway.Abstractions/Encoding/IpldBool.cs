using System.Text;

namespace Causeway.Encoding;

public sealed class IpldBool : IpldNode
{
    public static readonly IpldBool True = new(true);
    public static readonly IpldBool False = new(false);

    private IpldBool(bool value) => Value = value;

    public bool Value { get; }

    public override IpldKind Kind => IpldKind.Bool;

    public override bool Equals(IpldNode? other) => other is IpldBool b && b.Value == Value;

    public override int GetHashCode() => Value ? 0x54525545 : 0x46414C53;

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append(Value ? "true" : "false");

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteBoolean(Value);
}
