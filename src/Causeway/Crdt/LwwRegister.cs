namespace Causeway.Crdt;

/// <summary>A last-writer-wins register: the write (or clear) with the greatest
/// <see cref="LwwStamp"/> wins. State: (stamp, present flag, value). Merge = max by stamp.
/// Mutable; not thread-safe.</summary>
public sealed class LwwRegister<T> : CrdtBase<LwwRegister<T>>, IApplies<LwwAssign<T>>, IApplies<LwwClear>
{
    private LwwStamp _stamp;
    private bool _present;
    private T? _value;

    /// <summary>The empty register (never written: default stamp, absent).</summary>
    public LwwRegister() { }

    /// <summary>Rebuilds a state from its parts (for decoding).</summary>
    public static LwwRegister<T> FromParts(LwwStamp stamp, bool isPresent, T? value) =>
        new() { _stamp = stamp, _present = isPresent, _value = isPresent ? value : default };

    /// <summary>The stamp of the winning write; <c>default</c> (Replica null) when never written.</summary>
    public LwwStamp Stamp => _stamp;

    /// <summary>Whether the winning write assigned a value (false when empty or cleared).</summary>
    public override bool IsPresent => _present;

    /// <summary>The value when present, else default.</summary>
    public T? Value => _value;

    /// <summary>Whether any write or clear has been applied.</summary>
    public bool IsWritten => _stamp.Replica is not null;

    private protected override string Name => "lww register";

    public LwwAssign<T> PrepareAssign(LwwStamp stamp, T value) => new(stamp, value);

    public LwwClear PrepareClear(LwwStamp stamp) => new(stamp);

    public void Apply(LwwAssign<T> op) => Write(op.Stamp, true, op.Value);

    public void Apply(LwwClear op) => Write(op.Stamp, false, default);

    /// <summary>Max by stamp.</summary>
    private protected override void Join(LwwRegister<T> other) => Write(other._stamp, other._present, other._value);

    public override LwwRegister<T> Clone() => new() { _stamp = _stamp, _present = _present, _value = _value };

    public override bool Equals(LwwRegister<T>? other) =>
        other is not null && _stamp == other._stamp && _present == other._present
        && EqualityComparer<T>.Default.Equals(_value, other._value);

    public override string ToString() => _present ? $"{_value} @ {_stamp}" : $"(unset) @ {_stamp}";

    // A greater stamp wins. Stamps of distinct writes never tie (HLC, replica, index); should a
    // caller reuse one, the tie still resolves the same everywhere: present beats absent, then
    // the greater value (by Comparer<T>.Default) wins, so Apply and Merge stay commutative.
    private bool Wins(LwwStamp stamp, bool present, T? value)
    {
        int c = stamp.CompareTo(_stamp);
        if (c != 0) return c > 0;
        if (present != _present) return present;
        return present && Comparer<T>.Default.Compare(value, _value) > 0;
    }

    /// <summary>Takes the write if it <see cref="Wins"/>.</summary>
    private void Write(LwwStamp stamp, bool present, T? value)
    {
        if (!Wins(stamp, present, value)) return;
        _stamp = stamp;
        _present = present;
        _value = value;
    }
}
