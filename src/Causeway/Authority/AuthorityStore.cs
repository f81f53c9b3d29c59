using System.Collections.Concurrent;
using Causeway.Encoding;
using Causeway.Storage;
using Causeway.Transactions;

namespace Causeway.Authority;

/// <summary>What a replica keeps of capabilities: the UCAN delegations it has seen (content-addressed,
/// read once and kept in memory), and per database its owner (the subject every capability is about)
/// and the chain that gives this replica its own authority there. Delegations are immutable, so they
/// are written as soon as they are verified, before the commits that use them.</summary>
internal sealed class AuthorityStore(IKeyValueStore store)
{
    private static readonly byte[] BlockPrefix = "U"u8.ToArray();
    private readonly ConcurrentDictionary<Cid, Delegation> _delegations = new();
    private readonly ConcurrentDictionary<uint, AuthorityState> _databases = new();
    private readonly ConcurrentDictionary<uint, RevocationIndex> _revocations = new();
    private readonly ConcurrentDictionary<(uint, Cid), (string Origin, long Seq)> _commits = new();
    private const int RememberedCommits = 200_000;

    /// <summary>A delegation this replica keeps, or null.</summary>
    public Delegation? Find(Cid cid)
    {
        if (_delegations.TryGetValue(cid, out var known)) return known;
        if (store.Get(BlockKey(cid)) is not { } bytes) return null;
        return _delegations.GetOrAdd(cid, Delegation.Read(bytes));
    }

    /// <summary>Reads (and so verifies) a shipped delegation, unless it is known already, and keeps it.</summary>
    /// <exception cref="Errors.UcanException">Not a delegation, or a bad signature.</exception>
    public Delegation Keep(ReadOnlyMemory<byte> bytes)
    {
        var cid = Cid.ForDagCbor(bytes.Span);
        return Find(cid) ?? Keep(Delegation.Read(bytes));
    }

    public Delegation Keep(Delegation delegation)
    {
        if (_delegations.ContainsKey(delegation.Cid)) return delegation;
        store.Write(new StoreBatch().Put(BlockKey(delegation.Cid), delegation.Bytes.ToArray()), durable: true);
        return _delegations.GetOrAdd(delegation.Cid, delegation);
    }

    /// <summary>The owner and this replica's own proofs for a database.</summary>
    public AuthorityState Of(DatabaseRuntime db) => _databases.GetOrAdd(db.Id, _ => AuthorityState.Decode(store.Get(StateKey(db.Id))));

    /// <summary>Records a database's owner and this replica's chain there (root first), durably.</summary>
    public void Set(DatabaseRuntime db, AuthorityState state)
    {
        foreach (var proof in state.OwnProofs)
            if (Find(proof) is null) throw new InvalidOperationException($"Proof {proof} is not kept here.");
        store.Write(new StoreBatch().Put(StateKey(db.Id), state.Encode()), durable: true);
        _databases[db.Id] = state;
    }

    /// <summary>The revocations of a database and which commits have seen them (changed by the pipeline only).</summary>
    public RevocationIndex Revocations(DatabaseRuntime db) => _revocations.GetOrAdd(db.Id, _ => RevocationIndex.Decode(store.Get(RevocationsKey(db.Id))));

    /// <summary>Adds the index's bytes to a commit's batch, so it is durable exactly when the commit is.</summary>
    public void WriteRevocations(DatabaseRuntime db, StoreBatch batch) => batch.Put(RevocationsKey(db.Id), Revocations(db).Encode());

    /// <summary>Remembers who made a commit and its seq, for the commits that name it as a parent.</summary>
    public void Remember(DatabaseRuntime db, Cid commit, string origin, long seq)
    {
        if (_commits.Count >= RememberedCommits) _commits.Clear();
        _commits[(db.Id, commit)] = (origin, seq);
    }

    /// <summary>The origin and seq of a commit: remembered, or read from the store; null when unknown.</summary>
    public (string Origin, long Seq)? OriginOf(DatabaseRuntime db, Cid commit)
    {
        if (_commits.TryGetValue((db.Id, commit), out var known)) return known;
        if (store.Get(StoreLayout.CommitKey(db.Id, commit.Bytes)) is not { } record) return null;
        var decoded = Ledger.Commit.Decode(CommitRecord.Decode(record).Block);
        return (decoded.Origin, decoded.Seq);
    }

    private static byte[] RevocationsKey(uint db) => [.. StoreLayout.DatabasePrefix(db), .. "V"u8];

    private static byte[] BlockKey(Cid cid) => [.. BlockPrefix, .. cid.Bytes];

    private static byte[] StateKey(uint db) => [.. StoreLayout.DatabasePrefix(db), .. "A"u8];
}

/// <summary>A database's owner (null: an open database, where any replica may write) and the chain,
/// root first, that gives this replica authority there (empty for the owner itself).</summary>
internal sealed record AuthorityState(string? Owner, IReadOnlyList<Cid> OwnProofs)
{
    public static readonly AuthorityState Open = new(null, []);

    public byte[] Encode() => DagCbor.Encode(IpldNode.Map(
        ("owner", Owner is null ? IpldNode.Null : IpldNode.String(Owner)),
        ("proofs", IpldNode.List(OwnProofs.Select(p => (IpldNode)new IpldLink(p))))));

    public static AuthorityState Decode(byte[]? bytes)
    {
        if (bytes is null) return Open;
        var map = (IpldMap)DagCbor.Decode(bytes);
        return new(map.Get("owner") is IpldString s ? s.Value : null, [.. ((IpldList)map.Get("proofs")!).Items.Cast<IpldLink>().Select(l => l.Value)]);
    }
}
