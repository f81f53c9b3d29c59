using Causeway.Documents;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>The operations that store what an upcast showed, written ahead of the session's own
/// operations on the same document: the new field gets the value the object was loaded with, in the
/// new field's kind, so the session's changes apply on top of it (an increment adds to the converted
/// count). A converted field is unset first: its stored kind may be the old one.</summary>
internal static class CarriedWrites
{
    public static List<FieldOp> Of(IReadOnlyList<CarriedField> carried, CollectionRules rules, IReadOnlyList<FieldOp> ops)
    {
        var writes = new List<FieldOp>();
        foreach (var field in carried)
        {
            if (field.Replaces) writes.Add(FieldOp.Unset(field.Path));
            var value = field.Value;
            switch (rules.Field(field.Path)?.Kind)
            {
                case "counter" or "bcounter":
                    if (value is { Kind: ValueKind.Int } count && count.AsInt() != 0) writes.Add(FieldOp.Increment(field.Path, count.AsInt()));
                    break;
                case "awset" or "rwset":
                    if (value is { Kind: ValueKind.Array } elements)
                        foreach (var element in elements.AsArray()) writes.Add(FieldOp.Add(field.Path, element));
                    break;
                case "flag_ew" or "flag_dw":
                    if (value is { Kind: ValueKind.Bool } on && on.AsBool()) writes.Add(FieldOp.Enable(field.Path));
                    break;
                default:
                    // A register the session sets or unsets itself needs no value first.
                    if (!ops.Any(op => op.Path.Text == field.Path && op.Kind is FieldOpKind.Set or FieldOpKind.Unset)) writes.Add(FieldOp.Set(field.Path, value));
                    break;
            }
        }
        return writes;
    }
}
