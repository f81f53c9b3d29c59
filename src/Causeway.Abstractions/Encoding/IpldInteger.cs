using System.Globalization;
using System.Numerics;
using System.Text;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>An integer in the DAG-CBOR range -2^64 .. 2^64-1.</summary>
public sealed class IpldInteger : IpldNode
{
    public static readonly BigInteger MinValue = -(BigInteger.One << 64);
    public static readonly BigInteger MaxValue = (BigInteger.One << 64) - 1;

    /// <exception cref="InvalidInputException">Out of range (code invalid_value).</exception>
    public IpldInteger(BigInteger value)
    {
        if (value < MinValue || value > MaxValue)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Integer {value} is outside the DAG-CBOR range -2^64 .. 2^64-1.");
        Value = value;
    }

    public IpldInteger(long value) => Value = value;

    public BigInteger Value { get; }

    public override IpldKind Kind => IpldKind.Integer;

    public bool TryGetInt64(out long value)
    {
        bool fits = Value >= long.MinValue && Value <= long.MaxValue;
        value = fits ? (long)Value : 0;
        return fits;
    }

    public override bool Equals(IpldNode? other) => other is IpldInteger i && i.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();

    internal override void AppendDiagnostic(StringBuilder builder) => builder.Append(Value.ToString(CultureInfo.InvariantCulture));

    internal override void Write(DagCborWriter writer, int depth) => writer.WriteInteger(Value);
}
