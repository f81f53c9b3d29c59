using Causeway.Documents;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Transactions;

namespace Causeway.Audit;

/// <summary>Walks a database's ledger in position order and checks, for every commit: that its
/// record is there and decodes, that the block hashes to its CID, that it is canonical and shaped
/// like a commit, that every operation block hashes to the CID the commit signs, the origin's
/// signature, that the origin's sequence numbers run 1, 2, 3… without gap or repeat, and that every
/// parent exists at an earlier position. Then that heads and clock match the stored summary.
/// Signatures, the costly part, are checked in parallel.</summary>
internal sealed class LedgerVerifier(StoredDatabase db)
{
    private const int Chunk = 2048;

    public VerifyReport Verify(IProgress<long>? progress, CancellationToken cancellation)
    {
        var problems = new List<VerifyProblem>();
        var summary = db.Runtime.Record;
        var nextSeq = new Dictionary<string, long>(StringComparer.Ordinal);
        var positions = new Dictionary<Cid, long>();
        var referenced = new HashSet<Cid>();
        var pending = new List<(long Position, Commit Commit)>(Chunk);
        long commits = 0;

        void Problem(long? position, Cid? commit, string check, string detail)
        {
            lock (problems) if (problems.Count < 1000) problems.Add(new VerifyProblem(position, commit, check, detail));
        }

        void CheckSignatures()
        {
            Parallel.ForEach(pending, new ParallelOptions { CancellationToken = cancellation }, item =>
            {
                if (!item.Commit.HasValidSignature())
                    Problem(item.Position, item.Commit.Id, "signature", $"the signature does not verify with the key of {item.Commit.Origin}");
            });
            pending.Clear();
        }

        for (long position = 1; position <= summary.Position; position++)
        {
            cancellation.ThrowIfCancellationRequested();
            PositionRecord? entry;
            try { entry = db.PositionEntry(position); }
            catch (CorruptDataException e) { Problem(position, null, "record", e.Message); continue; }
            if (entry is null) { Problem(position, null, "record", "the position entry is missing"); continue; }
            var id = entry.Commit;

            CommitRecord? record;
            try { record = db.CommitRecordOf(id); }
            catch (CorruptDataException e) { Problem(position, id, "record", e.Message); continue; }
            if (record is null) { Problem(position, id, "record", "the commit record is missing"); continue; }
            commits++;
            if (record.Position != position) Problem(position, id, "position", $"the commit record says position {record.Position}");
            // A damaged commit is reported once; if it still decodes, its seq and parents keep the
            // bookkeeping going so the commits after it are not reported for its fault.
            bool damaged = !id.HashMatches(record.Block);
            if (damaged) Problem(position, id, "hash", "the stored block does not hash to the commit's CID");

            Commit commit;
            try { commit = Commit.Decode(record.Block); }
            catch (CausewayException e)
            {
                if (!damaged) Problem(position, id, "encoding", e.Message);
                positions[id] = position;
                continue;
            }
            if (damaged)
            {
                nextSeq[commit.Origin] = Math.Max(nextSeq.GetValueOrDefault(commit.Origin, 1), commit.Seq + 1);
                foreach (var parent in commit.Parents) referenced.Add(parent);
                positions[id] = position;
                continue;
            }

            if (commit.Database != db.Name) Problem(position, id, "database", $"the commit belongs to '{commit.Database}'");
            if (commit.Ops.Count != record.OpBlocks.Count)
                Problem(position, id, "operations", $"the commit links {commit.Ops.Count} operations but {record.OpBlocks.Count} are stored");
            else
            {
                var context = new EffectContext(commit.Origin, commit.Seq, commit.Time);
                for (int i = 0; i < commit.Ops.Count; i++)
                {
                    if (record.OpBlocks[i] is not { } block)
                    {
                        // A partial replica keeps only the operations it holds; a full one keeps them all.
                        if (db.Runtime.Record.Holds.IsEverything) Problem(position, id, "operations", $"operation {i} is missing");
                        continue;
                    }
                    if (!commit.Ops[i].HashMatches(block)) { Problem(position, id, "operation-hash", $"operation {i} does not hash to {commit.Ops[i]}"); continue; }
                    try { DocumentOp.Decode(block, context); }
                    catch (CausewayException e) { Problem(position, id, "operation", $"operation {i}: {e.Message}"); }
                }
            }

            long expected = nextSeq.GetValueOrDefault(commit.Origin, 1);
            if (commit.Seq != expected) Problem(position, id, "sequence", $"{commit.Origin} seq {commit.Seq} where {expected} was expected");
            nextSeq[commit.Origin] = Math.Max(expected, commit.Seq + 1);

            foreach (var parent in commit.Parents)
            {
                referenced.Add(parent);
                if (!positions.ContainsKey(parent)) Problem(position, id, "parent", $"parent {parent} is not at an earlier position");
            }
            positions[id] = position;

            pending.Add((position, commit));
            if (pending.Count == Chunk) CheckSignatures();
            progress?.Report(position);
        }
        CheckSignatures();

        var heads = positions.Keys.Where(c => !referenced.Contains(c)).OrderBy(c => c).ToList();
        if (!heads.SequenceEqual(summary.Heads))
            Problem(null, null, "heads", $"the ledger's heads ({string.Join(", ", heads)}) differ from the stored heads ({string.Join(", ", summary.Heads)})");
        var clock = new VersionVector(nextSeq.Select(e => KeyValuePair.Create(e.Key, e.Value - 1)));
        if (!clock.Equals(summary.Clock)) Problem(null, null, "clock", "the ledger's per-origin sequence numbers differ from the stored clock");

        var sorted = problems.OrderBy(p => p.Position ?? long.MaxValue).ToList();
        return new VerifyReport(sorted.Count == 0, commits, sorted);
    }
}
