using Causeway.Errors;

namespace Causeway.Crdt;

/// <summary>Wire names of <see cref="FieldKind"/> ("lww", "mvreg", "counter", "awset", "rwset",
/// "flag_ew", "flag_dw", "map", "bcounter") and the precedence used when one field holds several kinds.</summary>
public static class FieldKinds
{
    /// <summary>Every kind with its wire name, one row each, in precedence order: when concurrent
    /// writes leave several kinds in one field, the visible one is the first present kind in this
    /// order (docs/crdts.md explains why). A new kind is an enum member and a row here; the engine
    /// registers what it does (Crdt/Kinds/FieldKindRegistry.cs).</summary>
    private static readonly (FieldKind Kind, string Name)[] Table =
    [
        (FieldKind.Map, "map"),
        (FieldKind.BCounter, "bcounter"),
        (FieldKind.Counter, "counter"),
        (FieldKind.AwSet, "awset"),
        (FieldKind.RwSet, "rwset"),
        (FieldKind.MvReg, "mvreg"),
        (FieldKind.FlagEw, "flag_ew"),
        (FieldKind.FlagDw, "flag_dw"),
        (FieldKind.Lww, "lww"),
    ];

    private static readonly FieldKind[] ByPrecedence = Array.ConvertAll(Table, row => row.Kind);

    /// <summary>Wire names by kind number (enum order).</summary>
    private static readonly string[] WireNames = NamesByNumber();

    /// <summary>When concurrent writes leave several kinds in one field, the visible one is the
    /// first present kind in this order (docs/crdts.md explains why).</summary>
    public static ReadOnlySpan<FieldKind> Precedence => ByPrecedence;

    /// <summary>The wire names in kind-number (enum) order.</summary>
    public static IReadOnlyList<string> Names => WireNames;

    public static string ToWireName(this FieldKind kind) =>
        (uint)kind < (uint)WireNames.Length ? WireNames[(int)kind]
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown field kind.");

    public static bool TryParse(string? name, out FieldKind kind)
    {
        for (int i = 0; i < WireNames.Length; i++)
        {
            if (string.Equals(WireNames[i], name, StringComparison.Ordinal))
            {
                kind = (FieldKind)i;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>Parses a wire name (exact, lower case); anything else is an
    /// <see cref="InvalidInputException"/> with code invalid_value.</summary>
    public static FieldKind Parse(string? name) =>
        TryParse(name, out var kind) ? kind
        : throw new InvalidInputException(ErrorCodes.InvalidValue,
            $"Unknown field kind '{name}'; expected one of {string.Join(", ", WireNames)}.");

    /// <summary>The table must name every kind number 0…n-1 once: a kind without a row would have
    /// no name on the wire.</summary>
    private static string[] NamesByNumber()
    {
        int count = Enum.GetValues<FieldKind>().Length;
        var names = new string[count];
        foreach (var (kind, name) in Table)
        {
            if ((int)kind >= count || names[(int)kind] is not null)
                throw new InvalidOperationException($"FieldKinds names {kind} twice or past the enum.");
            names[(int)kind] = name;
        }
        if (Array.IndexOf(names, null) is var missing and >= 0)
            throw new InvalidOperationException($"FieldKinds has no row for {(FieldKind)missing}.");
        return names;
    }
}
