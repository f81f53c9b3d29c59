using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Storage;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>The commit-pipeline stage that holds every commit of an owned database to a capability.
/// A local commit by a replica that is not the owner is checked against the replica's own chain
/// (refused with 403-type <see cref="UcanException"/> when it reaches outside it) and carries the
/// chain in its <c>cap</c>; a commit made elsewhere is applied only if its <c>cap</c> chain, judged at
/// the commit's own time, authorizes its origin for every operation in it, and relies on no
/// delegation whose revocation is in its causal past (<see cref="RevocationIndex"/>). Revocations are
/// documents of <c>_revocations</c>, each checked on its own (<see cref="Revocation.Check"/>).
/// Open databases (no owner) are not checked.</summary>
/// <remarks><paramref name="storedFunction"/> reads a stored function's document (<see cref="FunctionAuthority"/>).
/// <paramref name="forgeCapability"/> and <paramref name="skipSynced"/> are the test-only hooks
/// of <c>ReplicaOptions</c> (TestOnlyForgeCapability, TestOnlySkipSyncedCapabilityChecks): null and
/// false everywhere but in the tests and the simulator.</remarks>
internal sealed class CapabilityChecks(AuthorityStore authority, Func<CommitCapability, CommitCapability?>? forgeCapability = null, bool skipSynced = false,
    Func<DatabaseRuntime, string, Value?>? storedFunction = null) : ICommitStage
{
    /// <summary>How many established chains are remembered; past that the memory starts over, so a peer
    /// that sends endless distinct chains costs work, never memory.</summary>
    internal const int MaxChains = 1024;

    /// <summary>Chains already established, by invoker, subject and proofs: a chain's links, audiences
    /// and subjects are checked once, and each commit only against its time bounds and its operations.
    /// Revocations are looked up per commit and per proof (<see cref="RevocationIndex"/>), not cached.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ChainKey, ProofChain> _chains = new();

    /// <summary>How many times a chain was checked in full (established, or refused) rather than found (tests read it).</summary>
    internal long ChainsEstablished => Interlocked.Read(ref _established);
    private long _established;

    private readonly HashSet<uint> _dirty = [];

    public void Check(LocalCommit commit)
    {
        var state = authority.Of(commit.Database);
        if (state.Owner is null) return;
        var changes = new List<FunctionAuthority.Change>();
        foreach (var entry in commit.Documents.Entries)
        {
            if (entry.Collection == SystemCollections.Revocations)
            {
                CheckRevocation(state.Owner, entry.Id, entry.State.ToValue());
                continue;
            }
            var documentState = entry.State;
            changes.Add(new(entry.Collection, entry.Id, entry.Editor.Effects, documentState.ToValue));
        }
        if (state.Owner == commit.Replica || changes.Count == 0) return;
        var needs = FunctionAuthority.Needs(commit.Database.Name, changes, name => FunctionOf(commit.Database, name));
        var commands = needs.Select(n => n.Command).ToList();
        if (forgeCapability is { } forge)
        {
            commit.Capability = forge(new CommitCapability(OperationCommands.Covering(commands), state.OwnProofs));
            return;
        }
        var revocations = authority.Revocations(commit.Database);
        foreach (var proof in state.OwnProofs)
            if (revocations.Contains(proof))   // every revocation applied here is in a local commit's past
                throw new UcanException(UcanError.Revoked, $"This replica's proof {proof} for database '{commit.Database.Name}' was revoked.", proof.ToString());
        var chain = Chain(commit.Replica, state.Owner, state.OwnProofs, Seconds(commit.Time), p => authority.Find(p) ?? throw new UcanException(UcanError.UnavailableProof,
            $"This replica's proof {p} for database '{commit.Database.Name}' is no longer kept.", p.ToString()));
        foreach (var (command, args) in needs) chain.Authorize(command, args);
        commit.Capability = new CommitCapability(OperationCommands.Covering(commands), state.OwnProofs);
    }

    public void CheckRemote(DatabaseRuntime database, RemoteCommit remote, IReadOnlyList<DocumentOp?> ops)
    {
        var commit = remote.Commit;
        var state = authority.Of(database);
        if (state.Owner is null || skipSynced) return;
        string where = $"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin})";
        try
        {
            bool needsAuthority = false;
            foreach (var op in ops)
            {
                if (op is null) continue;
                if (op.Collection == SystemCollections.Revocations) CheckRevocation(state.Owner, op.Id, Written(op));
                else needsAuthority = true;
            }
            var parents = ParentsOf(database, commit);
            if (needsAuthority && commit.Origin != state.Owner) Authorize(database, state.Owner, remote, ops, parents);
            Observe(database, commit, ops, parents);
        }
        catch (UcanException e)
        {
            throw new InvalidCommitException($"{where} is not authorized: {e.Message.TrimEnd('.')}.");
        }
        catch (InvalidInputException e)
        {
            throw new InvalidCommitException($"{where} holds a revocation that does not read: {e.Message.TrimEnd('.')}.");
        }
    }

    public void Staged(StagedCommit commit)
    {
        foreach (var version in commit.Versions)
            if (commit.Ops[version.OpIndex] is { Collection: SystemCollections.Functions } op)
                _stagedFunctions[(commit.Database.Id, op.Id)] = (commit.Commit.Id, version.State.Exists ? version.State.ToValue() : null);
        var state = authority.Of(commit.Database);
        if (state.Owner is null) return;
        Observe(commit.Database, commit.Commit, commit.Ops, ParentsOf(commit.Database, commit.Commit));
    }

    public void Write(StagedCommit commit, StoreBatch batch, DagCborWriter scratch)
    {
        if (_dirty.Remove(commit.Database.Id)) authority.WriteRevocations(commit.Database, batch);
    }

    public void Publish(StagedCommit commit)
    {
        // Once durable the store holds the definition; a later staged one stays until it is.
        foreach (var version in commit.Versions)
            if (commit.Ops[version.OpIndex] is { Collection: SystemCollections.Functions } op
                && _stagedFunctions.TryGetValue((commit.Database.Id, op.Id), out var staged) && staged.Commit == commit.Commit.Id)
                _stagedFunctions.TryRemove((commit.Database.Id, op.Id), out _);
    }

    /// <summary>Definitions of stored functions staged but not yet in the store, by database and name (null: deleted).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(uint Database, string Name), (Cid Commit, Value? Document)> _stagedFunctions = new();

    /// <summary>A stored function as this replica holds it now (staged or stored; its last definition
    /// when it is deleted, so a call made before the deletion reached its caller still stands), or null.</summary>
    private Functions.FunctionDefinition? FunctionOf(DatabaseRuntime database, string name)
    {
        var document = (_stagedFunctions.TryGetValue((database.Id, name), out var staged) ? staged.Document : null) ?? storedFunction?.Invoke(database, name);
        if (document is null) return null;
        try
        {
            return Functions.FunctionDefinition.FromDocument(name, document).Definition;
        }
        catch (CausewayException)
        {
            return null;
        }
    }

    private static string Describe(Value args)
        => string.Join('/', new[] { "db", "coll", "id", "fn" }.Select(k => args.Get(k)).Where(v => v is { Kind: ValueKind.String }).Select(v => v!.AsString()));

    private void Authorize(DatabaseRuntime database, string owner, RemoteCommit remote, IReadOnlyList<DocumentOp?> ops, IReadOnlyList<(string, long)> parents)
    {
        var commit = remote.Commit;
        if (commit.Capability is not { } cap)
            throw new UcanException(UcanError.InvalidClaim, $"it carries no capability, and database '{database.Name}' is owned by {owner}");
        var revocations = authority.Revocations(database);
        if (!revocations.IsEmpty)
            foreach (var proof in cap.Proofs)
                if (revocations.InPast(proof, commit.Origin, commit.Seq, parents))
                    throw new UcanException(UcanError.Revoked, $"its proof {proof} was revoked before it was made (the revocation is in its causal past)", proof.ToString());
        // The delegations shipped with it are read (hashed, verified, kept) only when a proof it
        // names is not kept yet: once per frame that brings a new one, not once per commit.
        // The delegations shipped with it are read (hashed, verified) only when a proof it names is not
        // kept yet, once per frame that brings a new one, and kept only once the commit is authorized,
        // so a peer cannot make this replica keep delegations for commits it refuses.
        Dictionary<Cid, Delegation>? shipped = null;
        var chain = Chain(commit.Origin, owner, cap.Proofs, Seconds(commit.Time), p =>
        {
            if (authority.Find(p) is { } known) return known;
            shipped ??= ReadShipped(remote.ProofBlocks);
            return shipped.GetValueOrDefault(p) ?? throw new UcanException(UcanError.UnavailableProof,
                $"its proof {p} was neither shipped with it nor is kept here", p.ToString());
        });
        // An op left out of a projection (null) was checked by the replica that holds it.
        var changes = ops.Where(op => op is not null && op.Collection != SystemCollections.Revocations)
            .Select(op => new FunctionAuthority.Change(op!.Collection, op.Id, op.Effects, () => Written(op))).ToList();
        foreach (var (command, args) in FunctionAuthority.Needs(database.Name, changes, name => FunctionOf(database, name)))
        {
            if (!Command.Proves(cap.Command, command))
                throw new UcanException(UcanError.InvalidClaim, $"its capability names {cap.Command}, which does not cover {command} on {Describe(args)}");
            chain.Authorize(command, args);
        }
        // Authorized: its chain is kept (it may have been established, and remembered, from shipped blocks).
        foreach (var link in chain.Links)
            if (authority.Find(link.Cid) is null) authority.Keep(link);
    }

    /// <summary>The delegations shipped with a frame, read (and so verified) but not kept.</summary>
    private static Dictionary<Cid, Delegation> ReadShipped(IReadOnlyList<byte[]> blocks)
    {
        var read = new Dictionary<Cid, Delegation>();
        foreach (var block in blocks)
        {
            var delegation = Delegation.Read(block);
            read.TryAdd(delegation.Cid, delegation);
        }
        return read;
    }

    /// <summary>Moves the revocation index on past a commit that applies: what its past holds, and the revocations it records.</summary>
    private void Observe(DatabaseRuntime database, Commit commit, IReadOnlyList<DocumentOp?> ops, IReadOnlyList<(string, long)> parents)
    {
        var revocations = authority.Revocations(database);
        bool changed = !revocations.IsEmpty && revocations.Observe(commit.Origin, commit.Seq, parents);
        foreach (var op in ops)
            if (op is not null && op.Collection == SystemCollections.Revocations && Cid.TryParse(op.Id, out var revoked))
                changed |= revocations.Add(revoked, commit.Origin, commit.Seq);
        // Who made a commit is needed only to place the commits that name it as a parent against a
        // revocation: commits before the first one cannot have one in their past.
        if (!revocations.IsEmpty) authority.Remember(database, commit.Id, commit.Origin, commit.Seq);
        if (changed) _dirty.Add(database.Id);
    }

    private List<(string, long)> ParentsOf(DatabaseRuntime database, Commit commit)
    {
        if (authority.Revocations(database).IsEmpty) return [];
        var parents = new List<(string, long)>(commit.Parents.Count);
        foreach (var parent in commit.Parents)
            if (authority.OriginOf(database, parent) is { } known) parents.Add(known);
        return parents;
    }

    /// <summary>A revocation document must hold a revocation of the delegation its id names, signed by
    /// an issuer in that delegation's chain, which it carries: <c>{"token": bytes, "chain": [bytes…]}</c>.</summary>
    private void CheckRevocation(string owner, string id, Value document)
    {
        if (document.Get("token") is not { Kind: ValueKind.Bytes } token || document.Get("chain") is not { Kind: ValueKind.Array } chain)
            throw new UcanException(UcanError.Malformed, $"revocation document {id} is not {{token, chain}}");
        var revocation = Revocation.Read(token.AsBytes());
        if (revocation.Revoked.ToString() != id)
            throw new UcanException(UcanError.Malformed, $"revocation document {id} holds a revocation of {revocation.Revoked}", revocation.Cid.ToString());
        var links = chain.AsArray().Where(b => b.Kind == ValueKind.Bytes).Select(b => authority.Keep(b.AsBytes())).ToList();
        revocation.Check(owner, cid => links.FirstOrDefault(l => l.Cid == cid) ?? authority.Find(cid));
    }

    /// <summary>The top-level values an operation assigns (a revocation document is written whole).</summary>
    private static Value Written(DocumentOp op)
    {
        var fields = new List<KeyValuePair<string, Value>>();
        foreach (var effect in op.Effects)
            if (effect is MapOp { Path: [var name], Inner: LwwAssign<Value> { Value: var value } }) fields.Add(new(name, value));
        return Value.Map(fields);
    }

    /// <summary>The chain <paramref name="proofs"/> gives <paramref name="invoker"/> over
    /// <paramref name="subject"/> at <paramref name="seconds"/>: remembered if it was established before
    /// and is in force then, else established from the delegations <paramref name="resolve"/> finds
    /// (which throws, as <see cref="ProofChain.Establish"/> does, when it does not hold).</summary>
    private ProofChain Chain(string invoker, string subject, IReadOnlyList<Cid> proofs, long seconds, Func<Cid, Delegation> resolve)
    {
        var key = new ChainKey(invoker, subject, proofs);
        if (_chains.TryGetValue(key, out var known) && known.InForceAt(seconds)) return known;
        Interlocked.Increment(ref _established);
        var chain = ProofChain.Establish(invoker, subject, [.. proofs.Select(resolve)], seconds);
        if (_chains.Count >= MaxChains) _chains.Clear();
        _chains[key] = chain;
        return chain;
    }

    /// <summary>A commit's time in the whole seconds UCAN time bounds use: proofs are judged at the
    /// commit's own HLC time, so an old valid write stays valid whenever it is synced.</summary>
    private static long Seconds(Clocks.HlcTimestamp time) => time.Physical / 1000;

    private sealed class ChainKey(string invoker, string subject, IReadOnlyList<Cid> proofs) : IEquatable<ChainKey>
    {
        private readonly int _hash = Hash(invoker, subject, proofs);

        public string Invoker { get; } = invoker;
        public string Subject { get; } = subject;
        public IReadOnlyList<Cid> Proofs { get; } = proofs;

        public bool Equals(ChainKey? other) => other is not null && _hash == other._hash && Invoker == other.Invoker && Subject == other.Subject && Proofs.SequenceEqual(other.Proofs);

        public override bool Equals(object? obj) => Equals(obj as ChainKey);

        public override int GetHashCode() => _hash;

        private static int Hash(string invoker, string subject, IReadOnlyList<Cid> proofs)
        {
            var hash = new HashCode();
            hash.Add(invoker, StringComparer.Ordinal);
            hash.Add(subject, StringComparer.Ordinal);
            foreach (var proof in proofs) hash.Add(proof);
            return hash.ToHashCode();
        }
    }
}
