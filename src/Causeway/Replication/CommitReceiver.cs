using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Security;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>The peer's commits to this side: checks each against this database and this replica's
/// history, verifies hashes and signatures before anything reaches the pipeline, keeps those that came
/// before their parents (up to a bound), applies what is ready in causal order, refuses gaps and
/// floods, and acknowledges with this replica's clock and the peer's latest ready mark.</summary>
internal sealed class CommitReceiver(StoredDatabase db, SyncOptions options)
{
    private readonly Dictionary<Cid, RemoteCommit> _pending = [];
    private VersionVector? _peerReady;
    private int _uselessFrames;

    public long CommitsApplied { get; private set; }
    public long CommitsSkipped { get; private set; }

    /// <summary>This replica holds everything the peer's ready mark says, and nothing waits.</summary>
    public bool Received => _peerReady is not null && db.Runtime.Record.Clock.Dominates(_peerReady) && _pending.Count == 0;

    /// <summary>Takes a frame of commits: what it applies, or keeps for later, is acknowledged. Each
    /// commit also tells what the peer holds (<paramref name="peerHas"/> is advanced). A
    /// <paramref name="check"/> of this frame made beforehand spares checking its commits again.</summary>
    public async Task<AckFrame> ReceiveAsync(CommitsFrame frame, VersionVector peerHas, CancellationToken cancellation, CommitCheck? check = null)
    {
        if (check is not null && !ReferenceEquals(check.Frame, frame)) check = null;
        var local = db.Runtime.Record.Clock;
        var fresh = new List<RemoteCommit>();
        var vouched = new List<bool>();
        // The delegations a frame carries serve every commit in it (each goes once per frame).
        byte[][] proofs = [.. frame.Commits.SelectMany(c => c.Proofs)];
        for (int index = 0; index < frame.Commits.Count; index++)
        {
            var shipped = frame.Commits[index];
            var commit = check?.Decoded(index) ?? Commit.Decode(shipped.Block);
            if (commit.Database != db.Name) throw new InvalidCommitException($"{commit.Description} belongs to database '{Documents.Names.Clip(commit.Database)}', not '{db.Name}'.");
            if (commit.Ops.Count != shipped.OpBlocks.Count) throw new InvalidCommitException($"{commit.Description} links {commit.Ops.Count} operations but {shipped.OpBlocks.Count} came with it.");
            if (!DidKey.IsValid(commit.Origin)) throw new InvalidCommitException($"{commit.Description} names an origin that is not a did:key.");
            peerHas.Advance(commit.Origin, commit.Seq);
            if (local.Get(commit.Origin) >= commit.Seq)
            {
                // Held already, or the origin signed two different commits with one seq (a fork).
                if (!db.HasCommit(commit.Id)) throw Forked(commit);
                CommitsSkipped++;
                continue;
            }
            if (_pending.ContainsKey(commit.Id)) { CommitsSkipped++; continue; }
            fresh.Add(new RemoteCommit(commit, shipped.OpBlocks) { ProofBlocks = proofs });
            vouched.Add(check?.Vouches(index) == true);
        }

        // Hashes and signatures first, in parallel: nothing the peer forged reaches the pipeline.
        var checkedCommits = new RemoteCommit[fresh.Count];
        int toCheck = vouched.Count(v => !v);
        long verifying = toCheck > 0 ? Telemetry.Instruments.Start(Telemetry.Instruments.SyncVerifyDuration) : 0;
        try
        {
            Parallel.For(0, fresh.Count, new ParallelOptions { MaxDegreeOfParallelism = toCheck >= 32 ? Environment.ProcessorCount : 1 },
                i => checkedCommits[i] = vouched[i] ? fresh[i] with { Verified = true } : Checked(fresh[i]));
        }
        catch (AggregateException e) when (e.InnerExceptions[0] is CausewayException first)
        {
            throw first;
        }
        if (toCheck > 0) Telemetry.Instruments.RecordSince(Telemetry.Instruments.SyncVerifyDuration, verifying);
        int dropped = 0;
        foreach (var remote in checkedCommits)
        {
            if (_pending.Count < options.MaxPending) _pending[remote.Commit.Id] = remote;
            else dropped++;
        }

        var ready = ReadyToApply(local);
        if (ready.Count > 0)
        {
            await ApplyAsync(ready, cancellation).ConfigureAwait(false);
            _uselessFrames = 0;
        }
        else if (dropped > 0 && ++_uselessFrames > options.MaxUselessFrames)
        {
            // Only a full buffer counts: after one lost frame an honest sender's whole window can arrive
            // before the resend, each frame unusable yet, and the window is smaller than the buffer.
            throw Refusal.PeerSent($"{_uselessFrames} frames in a row of commits whose parents never came, with the pending buffer full");
        }
        CheckForGaps();
        return Ack();
    }

    /// <summary>Takes the sender's end-of-backlog mark (which also tells what the peer holds) and acknowledges it.</summary>
    public AckFrame OnReady(ReadyFrame ready, VersionVector peerHas)
    {
        // Merged, not replaced: a resent mark can arrive before an older one that was delayed.
        var marks = _peerReady?.Clone() ?? new VersionVector();
        marks.Merge(ready.Clock);
        _peerReady = marks;
        peerHas.Merge(ready.Clock);
        return Ack();
    }

    /// <summary>What the waiting commits waited for may have come through another session meanwhile (or
    /// they did themselves): applies what is ready now and answers the ack that says so (null when
    /// nothing changed), rather than wait for the next frame from this peer, which may never come if
    /// its acks show it nothing is missing.</summary>
    public async Task<AckFrame?> ApplyWaitingAsync(CancellationToken cancellation)
    {
        if (_pending.Count == 0) return null;
        int before = _pending.Count;
        var ready = ReadyToApply(db.Runtime.Record.Clock);
        if (ready.Count > 0) await ApplyAsync(ready, cancellation).ConfigureAwait(false);
        return _pending.Count != before ? Ack() : null;
    }

    private AckFrame Ack() => new(db.Runtime.Record.Clock.Clone(), _peerReady?.Clone());

    private async Task ApplyAsync(List<RemoteCommit> ready, CancellationToken cancellation)
    {
        long applying = Telemetry.Instruments.Start(Telemetry.Instruments.SyncApplyDuration);
        var result = await db.ApplyAsync(ready, cancellation).ConfigureAwait(false);
        Telemetry.Instruments.RecordSince(Telemetry.Instruments.SyncApplyDuration, applying);
        foreach (var remote in ready) _pending.Remove(remote.Commit.Id);
        CommitsApplied += result.Applied;
        CommitsSkipped += result.Skipped;
    }

    /// <summary>The refusal of a commit whose (origin, seq) this replica holds under another CID. Its
    /// signature is checked first, so a peer cannot blame an origin for a fork with a forged commit.</summary>
    private ForkedHistoryException Forked(Commit commit)
    {
        if (!commit.HasValidSignature()) throw new InvalidCommitException($"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin}) does not carry a valid signature of its origin.");
        var held = db.PositionOf(commit.Origin, commit.Seq) is { } position ? db.PositionEntry(position)?.Commit : null;
        return new ForkedHistoryException($"Origin {commit.Origin} signed two different commits with seq {commit.Seq} in database '{db.Name}': this replica holds {held?.ToString() ?? "another"}, the peer sent {commit.Id}. The origin's history forked (a restore without its fence?); the two cannot sync this database.");
    }

    private static RemoteCommit Checked(RemoteCommit remote)
    {
        if (CommitCheck.Problem(remote.Commit, remote.OpBlocks) is { } problem) throw problem;
        return remote with { Verified = true };
    }

    /// <summary>Pending commits whose parents are all held (or come earlier in the list) and that are the
    /// next of their origin, in an order that respects both.</summary>
    private List<RemoteCommit> ReadyToApply(VersionVector local)
    {
        var clock = local.Clone();
        var ready = new List<RemoteCommit>();
        var readyIds = new HashSet<Cid>();
        var waiting = _pending.Values.OrderBy(c => c.Commit.Time).ThenBy(c => c.Commit.Id).ToList();
        bool progress = true;
        while (progress && waiting.Count > 0)
        {
            progress = false;
            for (int i = 0; i < waiting.Count; i++)
            {
                var commit = waiting[i].Commit;
                if (clock.Get(commit.Origin) >= commit.Seq)
                {
                    // Another session applied it meanwhile.
                    _pending.Remove(commit.Id);
                    waiting.RemoveAt(i--);
                    continue;
                }
                if (clock.Get(commit.Origin) + 1 != commit.Seq) continue;
                if (!commit.Parents.All(p => readyIds.Contains(p) || db.HasCommit(p))) continue;
                ready.Add(waiting[i]);
                readyIds.Add(commit.Id);
                clock.Advance(commit.Origin, commit.Seq);
                waiting.RemoveAt(i--);
                progress = true;
            }
        }
        return ready;
    }

    /// <summary>A waiting commit whose whole causal past is here, yet whose origin's previous commit is
    /// not, skips a seq: its origin's previous commit is always among its ancestors.</summary>
    private void CheckForGaps()
    {
        if (_pending.Count == 0) return;
        var local = db.Runtime.Record.Clock;
        foreach (var remote in _pending.Values)
        {
            var commit = remote.Commit;
            if (commit.Seq > local.Get(commit.Origin) + 1 && commit.Parents.All(db.HasCommit))
                throw new InvalidCommitException($"Commit {commit.Id} is seq {commit.Seq} of {commit.Origin}, but this replica holds only up to {local.Get(commit.Origin)} and every parent: a gap in the sequence.");
        }
    }
}
