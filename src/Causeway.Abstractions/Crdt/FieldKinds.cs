using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>Wire names of <see cref="FieldKind"/> ("lww", "mvreg", "counter", "awset", "rwset",
/// "flag_ew", "flag_dw", "map", "bcounter") and the precedence used when one field holds several kinds.</summary>
public static class FieldKinds
{
    /// <summary>When concurrent writes leave several kinds in one field, the visible one is the
    /// first present kind in this order (docs/crdts.md explains why).</summary>
    public static ReadOnlySpan<FieldKind> Precedence =>
    [
        FieldKind.Map, FieldKind.BCounter, FieldKind.Counter, FieldKind.AwSet, FieldKind.RwSet,
        FieldKind.MvReg, FieldKind.FlagEw, FieldKind.FlagDw, FieldKind.Lww,
    ];

    public static string ToWireName(this FieldKind kind) => kind switch
    {
        FieldKind.Lww => "lww",
        FieldKind.MvReg => "mvreg",
        FieldKind.Counter => "counter",
        FieldKind.AwSet => "awset",
        FieldKind.RwSet => "rwset",
        FieldKind.FlagEw => "flag_ew",
        FieldKind.FlagDw => "flag_dw",
        FieldKind.Map => "map",
        FieldKind.BCounter => "bcounter",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown field kind."),
    };

    public static bool TryParse(string? name, out FieldKind kind)
    {
        switch (name)
        {
            case "lww": kind = FieldKind.Lww; return true;
            case "mvreg": kind = FieldKind.MvReg; return true;
            case "counter": kind = FieldKind.Counter; return true;
            case "awset": kind = FieldKind.AwSet; return true;
            case "rwset": kind = FieldKind.RwSet; return true;
            case "flag_ew": kind = FieldKind.FlagEw; return true;
            case "flag_dw": kind = FieldKind.FlagDw; return true;
            case "map": kind = FieldKind.Map; return true;
            case "bcounter": kind = FieldKind.BCounter; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>Parses a wire name (exact, lower case); anything else is an
    /// <see cref="InvalidInputException"/> with code invalid_value.</summary>
    public static FieldKind Parse(string? name) =>
        TryParse(name, out var kind) ? kind
        : throw new InvalidInputException(ErrorCodes.InvalidValue,
            $"Unknown field kind '{name}'; expected one of lww, mvreg, counter, awset, rwset, flag_ew, flag_dw, map, bcounter.");
}
