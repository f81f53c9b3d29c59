namespace Causeway.Models;

/// <summary>A multi-value register (<c>mvreg</c>): a set replaces the values its writer saw, so sets made
/// at once on two replicas both survive, and <see cref="Values"/> shows them all until a later
/// <see cref="Set"/> resolves them. A session writes only a <see cref="Set"/> or <see cref="Clear"/> made
/// on this instance, never the values it loaded.</summary>
public sealed class MvReg<T> where T : notnull
{
    private IReadOnlyList<T> _loaded = [];
    private bool _changed;

    public MvReg() { }

    /// <summary>A register of a new document that starts with <paramref name="initial"/>.</summary>
    public MvReg(T initial) => Set(initial);

    /// <summary>Every concurrent value, each once, in the order the database keeps them (by the replica and
    /// sequence of the write), the same on every replica; one value when there is no conflict, none when unset.</summary>
    public IReadOnlyList<T> Values { get; private set; } = [];

    /// <summary>One value, chosen the same way on every replica: the last of <see cref="Values"/> (not
    /// necessarily the latest written); <c>default</c> when there is none.</summary>
    public T? Value => Values.Count > 0 ? Values[^1] : default;

    /// <summary>Whether concurrent sets left more than one value.</summary>
    public bool IsConflicted => Values.Count > 1;

    /// <summary>Whether <paramref name="value"/> is one of <see cref="Values"/> (translates in a query).</summary>
    public bool Contains(T value) => Values.Contains(value);

    /// <summary>Replaces every value the replica holds when the session saves with <paramref name="value"/>:
    /// the way to resolve a conflict.</summary>
    public void Set(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Values = [value];
        _changed = !(_loaded.Count == 1 && EqualityComparer<T>.Default.Equals(_loaded[0], value));
    }

    /// <summary>Removes every value the replica holds when the session saves.</summary>
    public void Clear()
    {
        Values = [];
        _changed = _loaded.Count > 0;
    }

    /// <summary>What a save writes: false when nothing was set or cleared (or it set what was loaded).</summary>
    internal bool Changed => _changed;

    internal void Load(IReadOnlyList<T> values)
    {
        _loaded = Values = values;
        _changed = false;
    }

    internal void Accept() => Load(Values);

    public override string ToString() => Values.Count == 1 ? $"{Values[0]}" : "[" + string.Join(", ", Values) + "]";
}
