using System.Text;
using Causeway.Errors;

namespace Causeway.Encoding;

public sealed class IpldString : IpldNode
{
    /// <exception cref="InvalidInputException">An unpaired surrogate (code invalid_value).</exception>
    public IpldString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Utf16Text.IsWellFormed(value))
            throw new InvalidInputException(ErrorCodes.InvalidValue, "A string contains an unpaired surrogate and has no UTF-8 form.");
        Value = value;
    }

    /// <summary>For strings decoded from valid UTF-8.</summary>
    internal IpldString(string value, bool trusted) => Value = value;

    public string Value { get; }

    public override IpldKind Kind => IpldKind.String;

    public override bool Equals(IpldNode? other) => other is IpldString s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    public override int GetHashCode() => string.GetHashCode(Value, StringComparison.Ordinal);

    internal override void AppendDiagnostic(StringBuilder builder) => AppendQuoted(builder, Value);

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteText(Value);
}
