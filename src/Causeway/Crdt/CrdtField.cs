using System.Collections.Immutable;
using Causeway.Crdt.Kinds;
using Causeway.Values;

namespace Causeway.Crdt;

/// <summary>One field of a <see cref="CrdtMap"/>: a slot holding at most one CRDT per
/// <see cref="FieldKind"/>. Normally exactly one kind is there; concurrent writes of different
/// kinds can leave several, and then <see cref="VisibleKind"/> picks one by
/// <see cref="FieldKinds.Precedence"/>. Mutable; not thread-safe.</summary>
public sealed class CrdtField : IEquatable<CrdtField>
{
    // Usually a field holds one kind: _one is its CRDT and _oneKind its kind. When concurrent
    // writes leave several kinds, _all holds every CRDT by kind number and _one is null. A kind
    // once in a field stays there (CRDTs are never dropped), so one representation never goes
    // back to the other.
    private object? _one;
    private FieldKindDefinition? _oneKind;
    private object?[]? _all;

    public LwwRegister<Value>? Lww => Get(LwwKind.Instance);
    public MvRegister<Value>? MvReg => Get(MvRegKind.Instance);
    public PnCounter? Counter => Get(CounterKind.Instance);
    public AwSet<Value>? AwSet => Get(AwSetKind.Instance);
    public RwSet<Value>? RwSet => Get(RwSetKind.Instance);
    public EwFlag? FlagEw => Get(FlagEwKind.Instance);
    public DwFlag? FlagDw => Get(FlagDwKind.Instance);
    public CrdtMap? Map => Get(MapKind.Instance);
    public BCounter? BCounter => Get(BCounterKind.Instance);

    /// <summary>Rebuilds a field from its CRDTs (for decoding); the field takes ownership of them.</summary>
    public static CrdtField FromParts(
        LwwRegister<Value>? lww = null, MvRegister<Value>? mvReg = null, PnCounter? counter = null,
        AwSet<Value>? awSet = null, RwSet<Value>? rwSet = null, EwFlag? flagEw = null, DwFlag? flagDw = null,
        CrdtMap? map = null, BCounter? bCounter = null)
    {
        var field = new CrdtField();
        ReadOnlySpan<object?> parts = [lww, mvReg, counter, awSet, rwSet, flagEw, flagDw, map, bCounter];
        ReadOnlySpan<FieldKindDefinition> kinds =
        [
            LwwKind.Instance, MvRegKind.Instance, CounterKind.Instance, AwSetKind.Instance, RwSetKind.Instance,
            FlagEwKind.Instance, FlagDwKind.Instance, MapKind.Instance, BCounterKind.Instance,
        ];
        for (int i = 0; i < parts.Length; i++)
            if (parts[i] is { } crdt) field.Put(kinds[i], crdt);
        return field;
    }

    /// <summary>The CRDT of <paramref name="kind"/> in the slot, or null.</summary>
    internal T? Get<T>(FieldKindDefinition<T> kind) where T : class, ICrdt<T>, new() => (T?)Get(kind.Kind);

    internal object? Get(FieldKind kind) =>
        _all is { } all ? all[(int)kind] : _oneKind is { } one && one.Kind == kind ? _one : null;

    /// <summary>Puts <paramref name="crdt"/> (of <paramref name="kind"/>) into the slot, replacing
    /// any CRDT of that kind.</summary>
    internal void Put(FieldKindDefinition kind, object crdt)
    {
        if (_all is { } all) all[(int)kind.Kind] = crdt;
        else if (_oneKind is null || ReferenceEquals(_oneKind, kind)) (_oneKind, _one) = (kind, crdt);
        else
        {
            all = new object?[FieldKindRegistry.Count];
            all[(int)_oneKind.Kind] = _one;
            all[(int)kind.Kind] = crdt;
            (_all, _one, _oneKind) = (all, null, null);
        }
    }

    /// <summary>The kinds in the slot with their CRDTs, in kind-number order (the stored
    /// encoding lists them so). Allocates nothing.</summary>
    internal SlotEnumerator Slots => new(this);

    /// <summary>How many kinds the slot holds.</summary>
    internal int KindCount
    {
        get
        {
            if (_all is null) return _one is null ? 0 : 1;
            int count = 0;
            foreach (var crdt in _all)
                if (crdt is not null) count++;
            return count;
        }
    }

    /// <summary>Whether a CRDT of <paramref name="kind"/> exists in the slot (present or not).</summary>
    public bool Has(FieldKind kind) => (uint)kind < (uint)FieldKindRegistry.Count && Get(kind) is not null;

    /// <summary>Whether the CRDT of <paramref name="kind"/> exists and is present (non-bottom).</summary>
    public bool IsPresentAs(FieldKind kind) =>
        (uint)kind < (uint)FieldKindRegistry.Count && Get(kind) is { } crdt && FieldKindRegistry.Of(kind).IsPresent(crdt);

    /// <summary>The kinds that exist in the slot, in enum order (the stored encoding lists them so).</summary>
    public IReadOnlyList<FieldKind> Kinds
    {
        get
        {
            var kinds = new List<FieldKind>(1);
            foreach (var (kind, _) in Slots) kinds.Add(kind.Kind);
            return kinds;
        }
    }

    /// <summary>The present kind of highest precedence (Map &gt; BCounter &gt; Counter &gt; AwSet &gt; RwSet &gt;
    /// MvReg &gt; FlagEw &gt; FlagDw &gt; Lww), or null when the field is absent.</summary>
    public FieldKind? VisibleKind => Visible()?.Kind;

    /// <summary>Present iff some CRDT in the slot is present.</summary>
    public bool IsPresent => Visible() is not null;

    /// <summary>The visible value (see <see cref="CrdtMap.ToValue"/>), or null when absent.</summary>
    public Value? ToValue() => Visible() is { } kind ? kind.ToValue(Get(kind.Kind)!) : null;

    private FieldKindDefinition? Visible()
    {
        if (_all is not { } all) return _one is not null && _oneKind!.IsPresent(_one) ? _oneKind : null;
        foreach (var kind in FieldKindRegistry.ByPrecedence)
            if (all[(int)kind.Kind] is { } crdt && kind.IsPresent(crdt)) return kind;
        return null;
    }

    internal CrdtMap GetOrAddMap() => GetOrAdd(MapKind.Instance);

    private T GetOrAdd<T>(FieldKindDefinition<T> kind) where T : class, ICrdt<T>, new()
    {
        if (Get(kind) is { } crdt) return crdt;
        var created = new T();
        Put(kind, created);
        return created;
    }

    /// <summary>Applies a field op, creating the CRDT of its kind if needed. A wrong op throws
    /// before anything changes.</summary>
    internal void ApplyInner(CrdtOp op)
    {
        var kind = FieldKindRegistry.Of(op.Kind);
        if (!kind.IsFieldOp(op)) throw CrdtErrors.WrongOp("map field", op);
        var crdt = Get(kind.Kind);
        if (crdt is null)
        {
            crdt = kind.Create();
            Put(kind, crdt);
        }
        kind.Apply(crdt, op);
    }

    internal static bool IsFieldOp(CrdtOp op) => FieldKindRegistry.Of(op.Kind).IsFieldOp(op);

    /// <summary>Per kind: merge if both have it, copy if only <paramref name="other"/> has it.</summary>
    public void Merge(CrdtField other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        foreach (var (kind, theirs) in other.Slots)
        {
            if (Get(kind.Kind) is { } mine) kind.Merge(mine, theirs);
            else Put(kind, kind.Clone(theirs));
        }
    }

    public CrdtField Clone()
    {
        var clone = new CrdtField();
        foreach (var (kind, crdt) in Slots) clone.Put(kind, kind.Clone(crdt));
        return clone;
    }

    public bool Equals(CrdtField? other)
    {
        if (other is null) return false;
        foreach (var kind in FieldKindRegistry.All)
        {
            var (a, b) = (Get(kind.Kind), other.Get(kind.Kind));
            if (a is null ? b is not null : b is null || !kind.StateEquals(a, b)) return false;
        }
        return true;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var (kind, crdt) in Slots) parts.Add(kind.Name + " " + crdt);
        return string.Join(" | ", parts);
    }

    /// <summary>Appends the ops that unset this field: for each kind in the slot that holds
    /// anything, its clear/reset of everything observed; nested maps recursively. A bounded
    /// counter is left alone: it has no reset, because a reset would move the value without any
    /// replica spending rights, so the bounds would no longer hold (callers must refuse to unset
    /// one).</summary>
    internal void PrepareUnset(ImmutableArray<string> path, LwwStamp stamp, List<MapOp> ops)
    {
        foreach (var (kind, crdt) in Slots) kind.PrepareUnset(crdt, path, stamp, ops);
    }

    /// <summary>Enumerates the slot's kinds and CRDTs in kind-number order.</summary>
    internal struct SlotEnumerator(CrdtField field)
    {
        private int _next;

        public (FieldKindDefinition Kind, object Crdt) Current { get; private set; }

        public readonly SlotEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (field._all is not { } all)
            {
                if (_next++ > 0 || field._one is null) return false;
                Current = (field._oneKind!, field._one);
                return true;
            }
            while (_next < all.Length)
            {
                int i = _next++;
                if (all[i] is { } crdt)
                {
                    Current = (FieldKindRegistry.All[i], crdt);
                    return true;
                }
            }
            return false;
        }
    }
}
