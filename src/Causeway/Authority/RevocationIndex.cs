using Causeway.Encoding;

namespace Causeway.Authority;

/// <summary>For each revoked delegation of a database, which commits have its revocation in their
/// causal past. A revocation recorded by commit (o, s) is in the past of a commit C when C is (o, s')
/// with s' ≥ s, or a parent of C has it; since an origin's commits follow each other, that is kept as
/// the first seq of each origin whose commits have it (<c>firstSeen</c>), updated as commits apply in
/// causal order. The rule this serves: a commit that relies on a delegation whose revocation it has
/// seen is refused, a commit concurrent with the revocation stands; the causal past is part of the
/// commit, so every replica decides alike.</summary>
internal sealed class RevocationIndex
{
    private readonly Dictionary<Cid, Dictionary<string, long>> _firstSeen = [];

    // The pipeline changes it; the API reads it (IsRevoked), so every access takes the lock.
    private readonly Lock _lock = new();

    public bool IsEmpty { get { lock (_lock) return _firstSeen.Count == 0; } }

    public bool Contains(Cid delegation) { lock (_lock) return _firstSeen.ContainsKey(delegation); }

    /// <summary>Records the revocation of <paramref name="delegation"/> by commit (<paramref name="origin"/>, <paramref name="seq"/>).</summary>
    public bool Add(Cid delegation, string origin, long seq)
    {
        lock (_lock) return AddCore(delegation, origin, seq);
    }

    private bool AddCore(Cid delegation, string origin, long seq)
    {
        if (_firstSeen.TryGetValue(delegation, out var seen))
            return Lower(seen, origin, seq);
        _firstSeen[delegation] = new Dictionary<string, long>(StringComparer.Ordinal) { [origin] = seq };
        return true;
    }

    /// <summary>Whether the revocation of <paramref name="delegation"/> is in the causal past of the commit
    /// (<paramref name="origin"/>, <paramref name="seq"/>) with <paramref name="parents"/>.</summary>
    public bool InPast(Cid delegation, string origin, long seq, IEnumerable<(string Origin, long Seq)> parents)
    {
        lock (_lock) return InPastCore(delegation, origin, seq, parents);
    }

    private bool InPastCore(Cid delegation, string origin, long seq, IEnumerable<(string Origin, long Seq)> parents)
    {
        if (!_firstSeen.TryGetValue(delegation, out var seen)) return false;
        if (seen.TryGetValue(origin, out long first) && seq >= first) return true;
        foreach (var (o, s) in parents)
            if (seen.TryGetValue(o, out long f) && s >= f) return true;
        return false;
    }

    /// <summary>Takes a commit that applies (in causal order): every revocation in its past is now seen
    /// by its origin from its seq on. Returns whether anything changed.</summary>
    public bool Observe(string origin, long seq, IReadOnlyList<(string Origin, long Seq)> parents)
    {
        lock (_lock)
        {
            bool changed = false;
            foreach (var (delegation, seen) in _firstSeen)
                if (InPastCore(delegation, origin, seq, parents)) changed |= Lower(seen, origin, seq);
            return changed;
        }
    }

    private static bool Lower(Dictionary<string, long> seen, string origin, long seq)
    {
        if (seen.TryGetValue(origin, out long existing) && existing <= seq) return false;
        seen[origin] = seq;
        return true;
    }

    public byte[] Encode() { lock (_lock) return EncodeCore(); }

    private byte[] EncodeCore() => DagCbor.Encode(IpldNode.List(_firstSeen.OrderBy(e => e.Key).Select(e => IpldNode.List(
        new IpldLink(e.Key),
        IpldNode.Map(e.Value.Select(s => new KeyValuePair<string, IpldNode>(s.Key, IpldNode.Integer(s.Value))))))));

    public static RevocationIndex Decode(byte[]? bytes)
    {
        var index = new RevocationIndex();
        if (bytes is null) return index;
        foreach (var item in ((IpldList)DagCbor.Decode(bytes)).Items.Cast<IpldList>())
        {
            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (origin, seq) in ((IpldMap)item[1]).Entries) seen[origin] = (long)((IpldInteger)seq).Value;
            index._firstSeen[((IpldLink)item[0]).Value] = seen;
        }
        return index;
    }
}
