using System.Collections.Frozen;

namespace Causeway.Crdt.Kinds;

/// <summary>The field kinds the engine knows, each registered once. Everything that used to switch
/// on <see cref="FieldKind"/> asks here: by kind number (an array index), by precedence, or by
/// effect name (the ledger names effects, not kinds).</summary>
internal static class FieldKindRegistry
{
    /// <summary>The registrations: one line per kind, in any order.</summary>
    private static readonly FieldKindDefinition[] Registered =
    [
        LwwKind.Instance,
        MvRegKind.Instance,
        CounterKind.Instance,
        AwSetKind.Instance,
        RwSetKind.Instance,
        FlagEwKind.Instance,
        FlagDwKind.Instance,
        MapKind.Instance,
        BCounterKind.Instance,
    ];

    private static readonly FieldKindDefinition[] ByNumber = IndexByNumber();

    private static readonly FieldKindDefinition[] ByPrecedenceOrder = Array.ConvertAll(FieldKinds.Precedence.ToArray(), k => ByNumber[(int)k]);

    private static readonly FrozenDictionary<string, EffectForm> ByEffectName = IndexEffects();

    /// <summary>How many kinds there are; kind numbers are 0 to Count - 1.</summary>
    public static int Count => ByNumber.Length;

    /// <summary>Every kind, by kind number.</summary>
    public static ReadOnlySpan<FieldKindDefinition> All => ByNumber;

    /// <summary>Every kind in <see cref="FieldKinds.Precedence"/> order.</summary>
    public static ReadOnlySpan<FieldKindDefinition> ByPrecedence => ByPrecedenceOrder;

    public static FieldKindDefinition Of(FieldKind kind) => ByNumber[(int)kind];

    /// <summary>The kind stored as <paramref name="number"/>, or null for a number no kind has.</summary>
    public static FieldKindDefinition? Find(long number) => (ulong)number < (ulong)ByNumber.Length ? ByNumber[number] : null;

    /// <summary>The field effect named <paramref name="name"/> in the ledger, or null.</summary>
    public static EffectForm? Effect(string name) => ByEffectName.GetValueOrDefault(name);

    private static FieldKindDefinition[] IndexByNumber()
    {
        var kinds = Enum.GetValues<FieldKind>();
        var byNumber = new FieldKindDefinition[kinds.Length];
        foreach (var kind in Registered)
        {
            if ((int)kind.Kind >= byNumber.Length || byNumber[(int)kind.Kind] is not null)
                throw new InvalidOperationException($"Field kind {kind.Kind} is registered twice or is past the enum.");
            byNumber[(int)kind.Kind] = kind;
        }
        foreach (var kind in kinds)
            if ((int)kind >= byNumber.Length || byNumber[(int)kind] is null)
                throw new InvalidOperationException($"Field kind {kind} has no registration in FieldKindRegistry.");
        return byNumber;
    }

    private static FrozenDictionary<string, EffectForm> IndexEffects()
    {
        var forms = new Dictionary<string, EffectForm>(StringComparer.Ordinal);
        foreach (var kind in Registered)
            foreach (var form in kind.Effects)
                if (form.Name is "live" or "dead" || !forms.TryAdd(form.Name, form))
                    throw new InvalidOperationException($"Effect name '{form.Name}' of {kind.Name} is taken.");
        return forms.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
