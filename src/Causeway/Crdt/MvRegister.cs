using System.Collections.ObjectModel;
using Causeway.Clocks;

namespace Causeway.Crdt;

/// <summary>A multi-value register: an assignment replaces the values its writer observed, so
/// concurrent assignments all survive until a later one overwrites them. State: (dot, value)
/// entries sorted by dot, plus the causal context (every dot applied or merged in).
/// Mutable; not thread-safe.</summary>
public sealed class MvRegister<T> : CausalCrdt<MvRegister<T>>, IApplies<MvAssign<T>>, IApplies<MvClear>
{
    private readonly List<KeyValuePair<Dot, T>> _entries;
    private ReadOnlyCollection<KeyValuePair<Dot, T>>? _entriesView;

    public MvRegister() : this([], new VersionVector()) { }

    private MvRegister(List<KeyValuePair<Dot, T>> entries, VersionVector context) : base(context) => _entries = entries;

    /// <summary>Rebuilds a state from its parts (for decoding). Every entry's dot must be covered by the context.</summary>
    public static MvRegister<T> FromParts(IEnumerable<KeyValuePair<Dot, T>> entries, VersionVector context)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(context);
        var list = new List<KeyValuePair<Dot, T>>(entries);
        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        for (int i = 0; i < list.Count; i++)
        {
            if (i > 0 && list[i].Key == list[i - 1].Key) throw new ArgumentException($"Dot {list[i].Key} appears twice.", nameof(entries));
            if (!context.Contains(list[i].Key)) throw new ArgumentException($"Dot {list[i].Key} is not covered by the context.", nameof(context));
        }
        return new(list, context.Clone());
    }

    /// <summary>The (dot, value) entries sorted by dot.</summary>
    public IReadOnlyList<KeyValuePair<Dot, T>> Entries => _entriesView ??= _entries.AsReadOnly();

    /// <summary>The current values, ordered by their dots.</summary>
    public IReadOnlyList<T> Values
    {
        get
        {
            var values = new T[_entries.Count];
            for (int i = 0; i < values.Length; i++) values[i] = _entries[i].Value;
            return values;
        }
    }

    /// <summary>Whether the register holds any value.</summary>
    public override bool IsPresent => _entries.Count > 0;

    private protected override string Name => "mvreg";

    public MvAssign<T> PrepareAssign(Dot dot, T value) => new(dot, value, ObservedDots());

    public MvClear PrepareClear() => new(ObservedDots());

    public void Apply(MvAssign<T> op)
    {
        RemoveObserved(op.Observed);
        Put(op.Dot, op.Value);
        Observe(op.Dot);
    }

    public void Apply(MvClear op) => RemoveObserved(op.Observed);

    /// <summary>Causal merge: keep an entry both hold, or one holds whose dot the other's context has not seen.</summary>
    private protected override void JoinDots(MvRegister<T> other)
    {
        var merged = new List<KeyValuePair<Dot, T>>(Math.Max(_entries.Count, other._entries.Count));
        int i = 0, j = 0;
        while (i < _entries.Count || j < other._entries.Count)
        {
            int c = i >= _entries.Count ? 1 : j >= other._entries.Count ? -1 : _entries[i].Key.CompareTo(other._entries[j].Key);
            if (c == 0) { merged.Add(_entries[i]); i++; j++; }
            else if (c < 0)
            {
                if (!other.Context.Contains(_entries[i].Key)) merged.Add(_entries[i]);
                i++;
            }
            else
            {
                if (!Context.Contains(other._entries[j].Key)) merged.Add(other._entries[j]);
                j++;
            }
        }
        _entries.Clear();
        _entries.AddRange(merged);
    }

    public override MvRegister<T> Clone() => new(new List<KeyValuePair<Dot, T>>(_entries), Context.Clone());

    private protected override bool SameDots(MvRegister<T> other)
    {
        if (other._entries.Count != _entries.Count) return false;
        var cmp = EqualityComparer<T>.Default;
        for (int i = 0; i < _entries.Count; i++)
            if (_entries[i].Key != other._entries[i].Key || !cmp.Equals(_entries[i].Value, other._entries[i].Value)) return false;
        return true;
    }

    public override string ToString() => "[" + string.Join(", ", _entries.Select(e => $"{e.Key}={e.Value}")) + "] ctx " + Context;

    private DotSet ObservedDots()
    {
        if (_entries.Count == 0) return DotSet.Empty;
        var dots = new Dot[_entries.Count];
        for (int i = 0; i < dots.Length; i++) dots[i] = _entries[i].Key;
        return DotSet.FromSorted(dots);
    }

    private void RemoveObserved(DotSet observed)
    {
        if (observed.IsEmpty) return;
        int n = 0;
        for (int i = 0; i < _entries.Count; i++)
            if (!observed.Contains(_entries[i].Key)) _entries[n++] = _entries[i];
        if (n != _entries.Count) _entries.RemoveRange(n, _entries.Count - n);
        Observe(observed);
    }

    // Ops of one commit share its dot: a later assignment in the same commit replaces the value.
    private void Put(Dot dot, T value)
    {
        int i = _entries.Count;
        while (i > 0 && _entries[i - 1].Key.CompareTo(dot) > 0) i--;
        if (i > 0 && _entries[i - 1].Key == dot) _entries[i - 1] = new(dot, value);
        else _entries.Insert(i, new(dot, value));
    }
}
