using System.Collections.Immutable;
using Causeway.Values;

namespace Causeway.Crdt;

/// <summary>One field of a <see cref="CrdtMap"/>: a slot holding at most one CRDT per
/// <see cref="FieldKind"/>. Normally exactly one kind is there; concurrent writes of different
/// kinds can leave several, and then <see cref="VisibleKind"/> picks one by
/// <see cref="FieldKinds.Precedence"/>. Mutable; not thread-safe.</summary>
public sealed class CrdtField : IEquatable<CrdtField>
{
    public LwwRegister<Value>? Lww { get; private set; }
    public MvRegister<Value>? MvReg { get; private set; }
    public PnCounter? Counter { get; private set; }
    public AwSet<Value>? AwSet { get; private set; }
    public RwSet<Value>? RwSet { get; private set; }
    public EwFlag? FlagEw { get; private set; }
    public DwFlag? FlagDw { get; private set; }
    public CrdtMap? Map { get; private set; }
    public BCounter? BCounter { get; private set; }

    /// <summary>Rebuilds a field from its CRDTs (for decoding); the field takes ownership of them.</summary>
    public static CrdtField FromParts(
        LwwRegister<Value>? lww = null, MvRegister<Value>? mvReg = null, PnCounter? counter = null,
        AwSet<Value>? awSet = null, RwSet<Value>? rwSet = null, EwFlag? flagEw = null, DwFlag? flagDw = null,
        CrdtMap? map = null, BCounter? bCounter = null) =>
        new() { Lww = lww, MvReg = mvReg, Counter = counter, AwSet = awSet, RwSet = rwSet, FlagEw = flagEw, FlagDw = flagDw, Map = map, BCounter = bCounter };

    /// <summary>Whether a CRDT of <paramref name="kind"/> exists in the slot (present or not).</summary>
    public bool Has(FieldKind kind) => kind switch
    {
        FieldKind.Lww => Lww is not null,
        FieldKind.MvReg => MvReg is not null,
        FieldKind.Counter => Counter is not null,
        FieldKind.AwSet => AwSet is not null,
        FieldKind.RwSet => RwSet is not null,
        FieldKind.FlagEw => FlagEw is not null,
        FieldKind.FlagDw => FlagDw is not null,
        FieldKind.Map => Map is not null,
        FieldKind.BCounter => BCounter is not null,
        _ => false,
    };

    /// <summary>Whether the CRDT of <paramref name="kind"/> exists and is present (non-bottom).</summary>
    public bool IsPresentAs(FieldKind kind) => kind switch
    {
        FieldKind.Lww => Lww is { IsPresent: true },
        FieldKind.MvReg => MvReg is { IsPresent: true },
        FieldKind.Counter => Counter is { IsPresent: true },
        FieldKind.AwSet => AwSet is { IsPresent: true },
        FieldKind.RwSet => RwSet is { IsPresent: true },
        FieldKind.FlagEw => FlagEw is { IsPresent: true },
        FieldKind.FlagDw => FlagDw is { IsPresent: true },
        FieldKind.Map => Map is { IsPresent: true },
        FieldKind.BCounter => BCounter is { IsPresent: true },
        _ => false,
    };

    /// <summary>The kinds that exist in the slot, in enum order (the stored encoding lists them so).</summary>
    public IReadOnlyList<FieldKind> Kinds
    {
        get
        {
            var kinds = new List<FieldKind>(1);
            for (var k = FieldKind.Lww; k <= FieldKind.BCounter; k++) // BCounter is the last kind
                if (Has(k)) kinds.Add(k);
            return kinds;
        }
    }

    /// <summary>The present kind of highest precedence (Map &gt; BCounter &gt; Counter &gt; AwSet &gt; RwSet &gt;
    /// MvReg &gt; FlagEw &gt; FlagDw &gt; Lww), or null when the field is absent.</summary>
    public FieldKind? VisibleKind
    {
        get
        {
            foreach (var k in FieldKinds.Precedence)
                if (IsPresentAs(k)) return k;
            return null;
        }
    }

    /// <summary>Present iff some CRDT in the slot is present.</summary>
    public bool IsPresent => VisibleKind is not null;

    /// <summary>The visible value (see <see cref="CrdtMap.ToValue"/>), or null when absent.</summary>
    public Value? ToValue() => VisibleKind switch
    {
        FieldKind.Map => Map!.ToValue(),
        FieldKind.BCounter => Value.Int(BCounter!.Value),
        FieldKind.Counter => Value.Int(Counter!.Value),
        FieldKind.AwSet => Value.Array(AwSet!.Elements),
        FieldKind.RwSet => Value.Array(RwSet!.Elements),
        FieldKind.MvReg => Value.Array(MvReg!.Values),
        FieldKind.FlagEw or FieldKind.FlagDw => Value.True,
        FieldKind.Lww => Lww!.Value,
        _ => null,
    };

    internal CrdtMap GetOrAddMap() => Map ??= new CrdtMap();

    /// <summary>Applies a field op, creating the CRDT of its kind if needed. A wrong op throws
    /// before anything changes.</summary>
    internal void ApplyInner(CrdtOp op)
    {
        switch (op)
        {
            case LwwAssign<Value> a: (Lww ??= new()).Apply(a); break;
            case LwwClear c: (Lww ??= new()).Apply(c); break;
            case MvAssign<Value> a: (MvReg ??= new()).Apply(a); break;
            case MvClear c: (MvReg ??= new()).Apply(c); break;
            case CounterIncrement i: (Counter ??= new()).Apply(i); break;
            case CounterReset r: (Counter ??= new()).Apply(r); break;
            case BCounterIncrement i: (BCounter ??= new()).Apply(i); break;
            case BCounterTransfer t: (BCounter ??= new()).Apply(t); break;
            case AwAdd<Value> a: (AwSet ??= new()).Apply(a); break;
            case AwRemove<Value> r: (AwSet ??= new()).Apply(r); break;
            case AwClear c: (AwSet ??= new()).Apply(c); break;
            case RwAdd<Value> a: (RwSet ??= new()).Apply(a); break;
            case RwRemove<Value> r: (RwSet ??= new()).Apply(r); break;
            case RwClear c: (RwSet ??= new()).Apply(c); break;
            case EwEnable e: (FlagEw ??= new()).Apply(e); break;
            case EwDisable d: (FlagEw ??= new()).Apply(d); break;
            case DwEnable e: (FlagDw ??= new()).Apply(e); break;
            case DwDisable d: (FlagDw ??= new()).Apply(d); break;
            case DwReset r: (FlagDw ??= new()).Apply(r); break;
            default: throw CrdtErrors.WrongOp("map field", op);
        }
    }

    internal static bool IsFieldOp(CrdtOp op) => op is LwwAssign<Value> or LwwClear or MvAssign<Value> or MvClear
        or CounterIncrement or CounterReset or BCounterIncrement or BCounterTransfer or AwAdd<Value> or AwRemove<Value> or AwClear
        or RwAdd<Value> or RwRemove<Value> or RwClear or EwEnable or EwDisable or DwEnable or DwDisable or DwReset;

    /// <summary>Per kind: merge if both have it, copy if only <paramref name="other"/> has it.</summary>
    public void Merge(CrdtField other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        if (other.Lww is { } lww) { if (Lww is null) Lww = lww.Clone(); else Lww.Merge(lww); }
        if (other.MvReg is { } mv) { if (MvReg is null) MvReg = mv.Clone(); else MvReg.Merge(mv); }
        if (other.Counter is { } counter) { if (Counter is null) Counter = counter.Clone(); else Counter.Merge(counter); }
        if (other.AwSet is { } aw) { if (AwSet is null) AwSet = aw.Clone(); else AwSet.Merge(aw); }
        if (other.RwSet is { } rw) { if (RwSet is null) RwSet = rw.Clone(); else RwSet.Merge(rw); }
        if (other.FlagEw is { } ew) { if (FlagEw is null) FlagEw = ew.Clone(); else FlagEw.Merge(ew); }
        if (other.FlagDw is { } dw) { if (FlagDw is null) FlagDw = dw.Clone(); else FlagDw.Merge(dw); }
        if (other.Map is { } map) { if (Map is null) Map = map.Clone(); else Map.Merge(map); }
        if (other.BCounter is { } bc) { if (BCounter is null) BCounter = bc.Clone(); else BCounter.Merge(bc); }
    }

    public CrdtField Clone() => new()
    {
        Lww = Lww?.Clone(),
        MvReg = MvReg?.Clone(),
        Counter = Counter?.Clone(),
        AwSet = AwSet?.Clone(),
        RwSet = RwSet?.Clone(),
        FlagEw = FlagEw?.Clone(),
        FlagDw = FlagDw?.Clone(),
        Map = Map?.Clone(),
        BCounter = BCounter?.Clone(),
    };

    public bool Equals(CrdtField? other) =>
        other is not null
        && Same(Lww, other.Lww, static (a, b) => a.Equals(b))
        && Same(MvReg, other.MvReg, static (a, b) => a.Equals(b))
        && Same(Counter, other.Counter, static (a, b) => a.Equals(b))
        && Same(AwSet, other.AwSet, static (a, b) => a.Equals(b))
        && Same(RwSet, other.RwSet, static (a, b) => a.Equals(b))
        && Same(FlagEw, other.FlagEw, static (a, b) => a.Equals(b))
        && Same(FlagDw, other.FlagDw, static (a, b) => a.Equals(b))
        && Same(Map, other.Map, static (a, b) => a.Equals(b))
        && Same(BCounter, other.BCounter, static (a, b) => a.Equals(b));

    public override string ToString()
    {
        var parts = new List<string>();
        if (Lww is not null) parts.Add("lww " + Lww);
        if (MvReg is not null) parts.Add("mvreg " + MvReg);
        if (Counter is not null) parts.Add("counter " + Counter);
        if (AwSet is not null) parts.Add("awset " + AwSet);
        if (RwSet is not null) parts.Add("rwset " + RwSet);
        if (FlagEw is not null) parts.Add("flag_ew " + FlagEw);
        if (FlagDw is not null) parts.Add("flag_dw " + FlagDw);
        if (Map is not null) parts.Add("map " + Map);
        if (BCounter is not null) parts.Add("bcounter " + BCounter);
        return string.Join(" | ", parts);
    }

    /// <summary>Appends the ops that unset this field: for each kind in the slot that holds
    /// anything, its clear/reset of everything observed; nested maps recursively. A bounded
    /// counter is left alone: it has no reset, because a reset would move the value without any
    /// replica spending rights, so the bounds would no longer hold (callers must refuse to unset
    /// one).</summary>
    internal void PrepareUnset(ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        if (Lww is not null) ops.Add(new(path, Lww.PrepareClear(stamp)));
        if (MvReg is { IsPresent: true }) ops.Add(new(path, MvReg.PrepareClear()));
        if (Counter is { IsPresent: true }) ops.Add(new(path, Counter.PrepareReset()));
        if (AwSet is { IsPresent: true }) ops.Add(new(path, AwSet.PrepareClear()));
        if (RwSet is { HasDots: true }) ops.Add(new(path, RwSet.PrepareClear()));
        if (FlagEw is { IsPresent: true }) ops.Add(new(path, FlagEw.PrepareDisable()));
        if (FlagDw is { HasDots: true }) ops.Add(new(path, FlagDw.PrepareReset()));
        // BCounter: no op (see the summary).
        if (Map is not null)
            foreach (var (name, field) in Map.SortedFields)
                field.PrepareUnset(path.Add(name), stamp, ops);
    }

    private static bool Same<T>(T? a, T? b, Func<T, T, bool> equals) where T : class =>
        a is null ? b is null : b is not null && equals(a, b);
}
