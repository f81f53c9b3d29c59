using System.Globalization;
using System.Text;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>A finite 64-bit float. Equality is by bits: 0.0 and -0.0 differ (they encode differently).</summary>
public sealed class IpldFloat : IpldNode
{
    /// <exception cref="InvalidInputException">NaN or an infinity (code invalid_value).</exception>
    public IpldFloat(double value)
    {
        if (!double.IsFinite(value))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"DAG-CBOR cannot hold {value}; floats must be finite.");
        Value = value;
    }

    public double Value { get; }

    public override IpldKind Kind => IpldKind.Float;

    public override bool Equals(IpldNode? other) =>
        other is IpldFloat f && BitConverter.DoubleToInt64Bits(f.Value) == BitConverter.DoubleToInt64Bits(Value);

    public override int GetHashCode() => BitConverter.DoubleToInt64Bits(Value).GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        string text = Value.ToString("R", CultureInfo.InvariantCulture);
        builder.Append(text);
        if (!text.Contains('.') && !text.Contains('E')) builder.Append(".0");
    }

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteDouble(Value);
}
