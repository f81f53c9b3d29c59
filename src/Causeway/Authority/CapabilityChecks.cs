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
internal sealed class CapabilityChecks(AuthorityStore authority, ReplicaOptions options) : ICommitStage
{
    public void Check(LocalCommit commit)
    {
        var state = authority.Of(commit.Database);
        if (state.Owner is null || state.Owner == commit.Replica) return;
        var operations = commit.Documents.Entries
            .Select(entry => OperationCommands.Of(commit.Database.Name, entry.Collection, entry.Id, entry.Editor.Effects)).ToList();
        if (options.TestOnlyForgeCapability is { } forge)
        {
            if (operations.Count > 0) commit.Capability = forge(new CommitCapability(OperationCommands.Covering(operations.Select(o => o.Command)), state.OwnProofs));
            return;
        }
        var links = state.OwnProofs.Select(p => authority.Find(p) ?? throw new UcanException(UcanError.UnavailableProof,
            $"This replica's proof {p} for database '{commit.Database.Name}' is no longer kept.", p.ToString())).ToList();
        var chain = ProofChain.Establish(commit.Replica, state.Owner, links, Seconds(commit.Time));
        foreach (var (command, args) in operations) chain.Authorize(command, args);
        if (operations.Count > 0) commit.Capability = new CommitCapability(OperationCommands.Covering(operations.Select(o => o.Command)), state.OwnProofs);
    }

    public void CheckRemote(DatabaseRuntime database, RemoteCommit remote, IReadOnlyList<DocumentOp?> ops)
    {
        var commit = remote.Commit;
        var state = authority.Of(database);
        if (state.Owner is null || commit.Origin == state.Owner || options.TestOnlySkipSyncedCapabilityChecks) return;
        string where = $"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin})";
        if (commit.Capability is not { } cap)
            throw new InvalidCommitException($"{where} carries no capability, and database '{database.Name}' is owned by {state.Owner}.");
        try
        {
            foreach (var block in remote.ProofBlocks) authority.Keep(block);
            var links = cap.Proofs.Select(p => authority.Find(p) ?? throw new UcanException(UcanError.UnavailableProof,
                $"its proof {p} was neither shipped with it nor is kept here", p.ToString())).ToList();
            var chain = ProofChain.Establish(commit.Origin, state.Owner, links, Seconds(commit.Time));
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

    /// <summary>A commit's time in the whole seconds UCAN time bounds use: proofs are judged at the
    /// commit's own HLC time, so an old valid write stays valid whenever it is synced.</summary>
    private static long Seconds(Clocks.HlcTimestamp time) => time.Physical / 1000;
}
