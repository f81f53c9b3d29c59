using System.Globalization;
using System.Text;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>A number, string, true, false or null written in the check.</summary>
internal sealed class CheckLiteral(Value value, int position) : CheckNode(position, 0)
{
    public override string? NotACondition => value.Kind switch
    {
        ValueKind.String => "a string",
        ValueKind.Bool or ValueKind.Null => null,
        _ => "a number",
    };

    public override Value? Evaluate(Func<string, Value?> field) => value.IsNull ? null : value;

    public override void Render(StringBuilder into, bool top)
    {
        switch (value.Kind)
        {
            case ValueKind.Null: into.Append("null"); break;
            case ValueKind.Bool: into.Append(value.AsBool() ? "true" : "false"); break;
            case ValueKind.Int: into.Append(value.AsInt().ToString(CultureInfo.InvariantCulture)); break;
            // decimal keeps its scale and never uses an exponent, so "2.50" comes back as written.
            case ValueKind.Decimal: into.Append(value.AsDecimal().ToString(CultureInfo.InvariantCulture)); break;
            default:
                into.Append('\'');
                foreach (char c in value.AsString())
                {
                    if (c is '\'' or '\\') into.Append('\\');
                    into.Append(c);
                }
                into.Append('\'');
                break;
        }
    }
}
