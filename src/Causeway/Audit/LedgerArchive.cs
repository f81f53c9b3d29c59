using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Transactions;

namespace Causeway.Audit;

/// <summary>A database's ledger as a CARv1 archive, readable by standard IPLD tools. Export writes,
/// in position order, each commit's operation blocks and then the commit block; the roots are the
/// heads. The UCAN delegations a commit's capability names go in before it (each once), so the
/// archive carries what an outside program needs to check every commit's authority. Import reads
/// any CAR holding such blocks, orders the commits so parents come first, and applies them (each
/// verified) to a database of the same name, skipping commits it already holds.</summary>
internal static class LedgerArchive
{
    private const int ImportChunk = 500;

    public static async Task<long> ExportAsync(StoredDatabase database, Stream output, Func<Cid, byte[]?> proofs, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var written = new HashSet<Cid>();
        var info = database.Info();
        var car = new CarWriter(output);
        await car.WriteHeaderAsync(info.Heads, cancellation);
        long commits = 0;
        await foreach (var change in database.ChangesAsync(0, follow: false, cancellation))
        {
            if (change.Position > info.Position) break;
            var record = database.CommitRecordOf(change.Commit) ?? throw new CorruptDataException($"Commit {change.Commit} is missing.");
            var commit = Commit.Decode(record.Block);
            foreach (var proof in commit.Capability?.Proofs ?? [])
                if (written.Add(proof) && proofs(proof) is { } proofBlock) await car.WriteBlockAsync(proof, proofBlock, cancellation);
            for (int i = 0; i < commit.Ops.Count; i++)
                if (record.OpBlocks[i] is { } block) await car.WriteBlockAsync(commit.Ops[i], block, cancellation);
            await car.WriteBlockAsync(commit.Id, record.Block, cancellation);
            commits++;
            progress?.Report(commits);
        }
        return commits;
    }

    public static async Task<ImportResult> ImportAsync(StoredDatabase database, Stream input, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var car = new CarReader(input);
        await car.ReadHeaderAsync(cancellation);
        var blocks = new Dictionary<Cid, byte[]>();
        var commits = new List<Commit>();
        while (await car.ReadBlockAsync(cancellation) is { } entry)
        {
            blocks[entry.Cid] = entry.Block;
            // Operation blocks and anything else are kept by CID; commit blocks are recognized by shape.
            if (LooksLikeCommit(entry.Block, out var commit)) commits.Add(commit!);
        }

        int applied = 0, skipped = 0;
        long position = database.Position;
        var chunk = new List<RemoteCommit>(ImportChunk);
        foreach (var commit in ParentsFirst(commits))
        {
            var ops = new byte[commit.Ops.Count][];
            for (int i = 0; i < ops.Length; i++)
                ops[i] = blocks.GetValueOrDefault(commit.Ops[i]) ?? throw new InvalidCommitException($"Commit {commit.Id} links operation {commit.Ops[i]}, which is not in the archive.");
            var proofs = (commit.Capability?.Proofs ?? []).Select(p => blocks.GetValueOrDefault(p)).OfType<byte[]>().ToArray();
            chunk.Add(new RemoteCommit(commit, ops) { ProofBlocks = proofs });
            if (chunk.Count == ImportChunk) await Flush();
        }
        await Flush();
        return new ImportResult(applied, skipped, position);

        async Task Flush()
        {
            if (chunk.Count == 0) return;
            var result = await database.ApplyAsync(chunk, cancellation);
            applied += result.Applied;
            skipped += result.Skipped;
            position = result.Position;
            progress?.Report(applied + skipped);
            chunk.Clear();
        }
    }

    private static bool LooksLikeCommit(byte[] block, out Commit? commit)
    {
        try
        {
            commit = Commit.Decode(block);
            return true;
        }
        catch (CausewayException)
        {
            commit = null;
            return false;
        }
    }

    /// <summary>Orders commits so every commit comes after the parents that are in the set (Kahn's
    /// algorithm, ties in archive order). An origin's commit n+1 descends from its commit n, so the
    /// per-origin sequence order holds too.</summary>
    private static IEnumerable<Commit> ParentsFirst(List<Commit> commits)
    {
        var index = new Dictionary<Cid, int>();
        for (int i = 0; i < commits.Count; i++) index.TryAdd(commits[i].Id, i);
        var waiting = new int[commits.Count];
        var children = new List<int>[commits.Count];
        for (int i = 0; i < commits.Count; i++)
        {
            foreach (var parent in commits[i].Parents)
            {
                if (!index.TryGetValue(parent, out int p)) continue;
                waiting[i]++;
                (children[p] ??= []).Add(i);
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < commits.Count; i++) if (waiting[i] == 0 && index[commits[i].Id] == i) ready.Enqueue(i, i);
        while (ready.TryDequeue(out int next, out _))
        {
            yield return commits[next];
            foreach (var child in children[next] ?? []) if (--waiting[child] == 0) ready.Enqueue(child, child);
        }
    }
}
