using System.Collections;
using System.Text;

namespace Causeway.Clocks;

/// <summary>A version vector: replica → highest sequence number seen. Because every origin's
/// commits are delivered in sequence order, an entry <c>r → n</c> means "seen r:1 … r:n", so the
/// vector is an exact causal context. Mutable; entries are kept sorted by replica (ordinal),
/// which makes enumeration, equality and encoding deterministic. A zero entry is the same as
/// no entry and is never stored. Not thread-safe.</summary>
public sealed class VersionVector : IEquatable<VersionVector>, IEnumerable<KeyValuePair<string, long>>
{
    private string[] _replicas;
    private long[] _seqs;
    private int _count;

    public VersionVector()
    {
        _replicas = [];
        _seqs = [];
    }

    /// <summary>Rebuilds a vector from its entries (in any order; a repeated replica keeps the maximum).</summary>
    public VersionVector(IEnumerable<KeyValuePair<string, long>> entries) : this()
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (replica, seq) in entries) Advance(replica, seq);
    }

    private VersionVector(string[] replicas, long[] seqs, int count)
    {
        _replicas = replicas;
        _seqs = seqs;
        _count = count;
    }

    public int Count => _count;
    public bool IsEmpty => _count == 0;

    /// <summary>The entries sorted by replica (ordinal); a snapshot.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Entries
    {
        get
        {
            var result = new KeyValuePair<string, long>[_count];
            for (int i = 0; i < _count; i++) result[i] = new(_replicas[i], _seqs[i]);
            return result;
        }
    }

    /// <summary>The highest sequence seen from <paramref name="replica"/>, 0 if none.</summary>
    public long Get(string replica)
    {
        int i = Find(replica);
        return i >= 0 ? _seqs[i] : 0;
    }

    /// <summary>Sets an entry exactly (0 removes it).</summary>
    public void Set(string replica, long seq)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        int i = Find(replica);
        if (i >= 0)
        {
            if (seq == 0) RemoveAt(i);
            else _seqs[i] = seq;
        }
        else if (seq != 0) Insert(~i, replica, seq);
    }

    /// <summary>Raises the dot's replica entry to at least its sequence.</summary>
    public void Advance(Dot dot) => Advance(dot.Replica, dot.Seq);

    /// <summary>Raises <paramref name="replica"/>'s entry to at least <paramref name="seq"/>.</summary>
    public void Advance(string replica, long seq)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        int i = Find(replica);
        if (i >= 0)
        {
            if (seq > _seqs[i]) _seqs[i] = seq;
        }
        else if (seq != 0) Insert(~i, replica, seq);
    }

    /// <summary>Whether the vector covers the dot (its sequence is at most the replica's entry).</summary>
    public bool Contains(Dot dot) => dot.Seq <= Get(dot.Replica);

    /// <summary>Pointwise maximum, in place.</summary>
    public void Merge(VersionVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) return;
        for (int j = 0; j < other._count; j++) Advance(other._replicas[j], other._seqs[j]);
    }

    public VectorOrdering Compare(VersionVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        bool thisAhead = false, otherAhead = false;
        int i = 0, j = 0;
        while (i < _count || j < other._count)
        {
            int c = i >= _count ? 1 : j >= other._count ? -1 : string.CompareOrdinal(_replicas[i], other._replicas[j]);
            if (c < 0) { thisAhead = true; i++; }
            else if (c > 0) { otherAhead = true; j++; }
            else
            {
                if (_seqs[i] > other._seqs[j]) thisAhead = true;
                else if (_seqs[i] < other._seqs[j]) otherAhead = true;
                i++; j++;
            }
            if (thisAhead && otherAhead) return VectorOrdering.Concurrent;
        }
        return thisAhead ? VectorOrdering.After : otherAhead ? VectorOrdering.Before : VectorOrdering.Equal;
    }

    /// <summary>Whether this has seen everything <paramref name="other"/> has (Equal or After).</summary>
    public bool Dominates(VersionVector other) => Compare(other) is VectorOrdering.Equal or VectorOrdering.After;

    public VersionVector Clone() => new((string[])_replicas.Clone(), (long[])_seqs.Clone(), _count);

    public bool Equals(VersionVector? other)
    {
        if (other is null || other._count != _count) return false;
        for (int i = 0; i < _count; i++)
            if (_seqs[i] != other._seqs[i] || !string.Equals(_replicas[i], other._replicas[i], StringComparison.Ordinal)) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is VersionVector v && Equals(v);

    /// <summary>Structural; do not mutate a vector while it is a key in a hash table.</summary>
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < _count; i++)
        {
            h.Add(_replicas[i], StringComparer.Ordinal);
            h.Add(_seqs[i]);
        }
        return h.ToHashCode();
    }

    /// <summary>Enumerates entries sorted by replica, without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);
    IEnumerator<KeyValuePair<string, long>> IEnumerable<KeyValuePair<string, long>>.GetEnumerator() => ((IEnumerable<KeyValuePair<string, long>>)Entries).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Entries).GetEnumerator();

    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < _count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_replicas[i]).Append(':').Append(_seqs[i]);
        }
        return sb.Append('}').ToString();
    }

    private int Find(string replica)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(_replicas[mid], replica);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    private void Insert(int index, string replica, long seq)
    {
        if (_count == _replicas.Length)
        {
            int capacity = Math.Max(4, _count * 2);
            Array.Resize(ref _replicas, capacity);
            Array.Resize(ref _seqs, capacity);
        }
        Array.Copy(_replicas, index, _replicas, index + 1, _count - index);
        Array.Copy(_seqs, index, _seqs, index + 1, _count - index);
        _replicas[index] = replica;
        _seqs[index] = seq;
        _count++;
    }

    private void RemoveAt(int index)
    {
        _count--;
        Array.Copy(_replicas, index + 1, _replicas, index, _count - index);
        Array.Copy(_seqs, index + 1, _seqs, index, _count - index);
        _replicas[_count] = null!;
    }

    public struct Enumerator
    {
        private readonly VersionVector _vector;
        private int _index;

        internal Enumerator(VersionVector vector)
        {
            _vector = vector;
            _index = -1;
        }

        public readonly KeyValuePair<string, long> Current => new(_vector._replicas[_index], _vector._seqs[_index]);
        public bool MoveNext() => ++_index < _vector._count;
    }
}
