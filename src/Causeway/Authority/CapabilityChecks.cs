using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Transactions;

namespace Causeway.Authority;

/// <summary>The commit-pipeline stage that holds every commit of an owned database to a capability.
/// A local commit by a replica that is not the owner is checked against the replica's own chain
/// (refused with 403-type <see cref="UcanException"/> when it reaches outside it) and carries the
/// chain in its <c>cap</c>; a commit made elsewhere is applied only if its <c>cap</c> chain, judged at
/// the commit's own time, authorizes its origin for every operation in it. Open databases (no owner)
/// are not checked.</summary>
/// <remarks><paramref name="forgeCapability"/> and <paramref name="skipSynced"/> are the test-only hooks
/// of <c>ReplicaOptions</c> (TestOnlyForgeCapability, TestOnlySkipSyncedCapabilityChecks): null and
/// false everywhere but in the tests and the simulator.</remarks>
internal sealed class CapabilityChecks(AuthorityStore authority, Func<CommitCapability, CommitCapability?>? forgeCapability = null, bool skipSynced = false) : ICommitStage
{
    /// <summary>How many established chains are remembered; past that the memory starts over, so a peer
    /// that sends endless distinct chains costs work, never memory.</summary>
    internal const int MaxChains = 1024;

    /// <summary>Chains already established, by invoker, subject and proofs: a chain's links, audiences
    /// and subjects are checked once, and each commit only against its time bounds and its operations.
    /// (No revocation list is consulted on commits; one that is must be consulted here too.)</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ChainKey, ProofChain> _chains = new();

    /// <summary>How many times a chain was checked in full (established, or refused) rather than found (tests read it).</summary>
    internal long ChainsEstablished => Interlocked.Read(ref _established);
    private long _established;

    public void Check(LocalCommit commit)
    {
        var state = authority.Of(commit.Database);
        if (state.Owner is null || state.Owner == commit.Replica) return;
        var operations = commit.Documents.Entries
            .Select(entry => OperationCommands.Of(commit.Database.Name, entry.Collection, entry.Id, entry.Editor.Effects)).ToList();
        if (forgeCapability is { } forge)
        {
            if (operations.Count > 0) commit.Capability = forge(new CommitCapability(OperationCommands.Covering(operations.Select(o => o.Command)), state.OwnProofs));
            return;
        }
        var chain = Chain(commit.Replica, state.Owner, state.OwnProofs, Seconds(commit.Time), p => authority.Find(p) ?? throw new UcanException(UcanError.UnavailableProof,
            $"This replica's proof {p} for database '{commit.Database.Name}' is no longer kept.", p.ToString()));
        foreach (var (command, args) in operations) chain.Authorize(command, args);
        if (operations.Count > 0) commit.Capability = new CommitCapability(OperationCommands.Covering(operations.Select(o => o.Command)), state.OwnProofs);
    }

    public void CheckRemote(DatabaseRuntime database, RemoteCommit remote, IReadOnlyList<DocumentOp?> ops)
    {
        var commit = remote.Commit;
        var state = authority.Of(database);
        if (state.Owner is null || commit.Origin == state.Owner || skipSynced) return;
        string where = $"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin})";
        if (commit.Capability is not { } cap)
            throw new InvalidCommitException($"{where} carries no capability, and database '{database.Name}' is owned by {state.Owner}.");
        try
        {
            // The delegations shipped with it are read (hashed, verified, kept) only when a proof it
            // names is not kept yet: once per frame that brings a new one, not once per commit.
            bool shippedKept = false;
            var chain = Chain(commit.Origin, state.Owner, cap.Proofs, Seconds(commit.Time), p =>
            {
                if (authority.Find(p) is { } known) return known;
                if (!shippedKept)
                {
                    shippedKept = true;
                    foreach (var block in remote.ProofBlocks) authority.Keep(block);
                }
                return authority.Find(p) ?? throw new UcanException(UcanError.UnavailableProof,
                    $"its proof {p} was neither shipped with it nor is kept here", p.ToString());
            });
            foreach (var op in ops)
            {
                if (op is null) continue;   // left out of a projection: the replica that holds it checked it
                var (command, args) = OperationCommands.Of(database.Name, op.Collection, op.Id, op.Effects);
                if (!Command.Proves(cap.Command, command))
                    throw new UcanException(UcanError.InvalidClaim, $"its capability names {cap.Command}, which does not cover {command} on {op.Collection}/{op.Id}");
                chain.Authorize(command, args);
            }
        }
        catch (UcanException e)
        {
            throw new InvalidCommitException($"{where} is not authorized: {e.Message.TrimEnd('.')}.");
        }
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
