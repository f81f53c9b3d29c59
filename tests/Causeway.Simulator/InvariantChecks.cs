using System.Security.Cryptography;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Schemas;

namespace Causeway.Simulator;

/// <summary>What must hold: during the run, of every read snapshot (atomicity and causality of
/// audited transactions); at the end, of all replicas together (same state, same ledger, nothing
/// committed lost, every ledger verifies).</summary>
public static class InvariantChecks
{
    /// <summary>Reads every audit document in one snapshot of <paramref name="db"/> (at a random past
    /// position, the latest, or inside a read-only transaction) and checks that each transaction seen
    /// is seen whole (in every audit document it wrote) and after its causes.</summary>
    public static async Task CheckSnapshotAsync(Database db, AuditTrail trail, Random random, bool torn = false)
    {
        long latest = db.Position;
        long position = random.Next(3) == 0 ? random.NextInt64(latest + 1) : latest;
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var tx = random.Next(3) == 0 ? db.Begin() : null; // never committed: a read-only transaction
        for (int i = 0; i < AuditTrail.Documents; i++)
        {
            string id = AuditTrail.DocumentId(i);
            // Torn (a deliberate bug for the tests): each document at a position of its own.
            var at = ReadPoint.AtPosition(torn ? random.NextInt64(latest + 1) : position);
            var doc = tx is not null && !torn ? await tx.GetAsync(AuditTrail.Collection, id) : await db.GetAsync(AuditTrail.Collection, id, at);
            seen[id] = [.. Workload.TransactionIds(doc)];
        }
        string where = tx is not null ? $"a transaction at position {tx.Snapshot}" : $"position {position}";
        var visible = seen.Values.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal);
        foreach (var id in visible.Order(StringComparer.Ordinal))
        {
            var transaction = trail.Find(id) ?? throw new CheckFailedException(FailureKind.Atomicity, $"{db.Replica.Did} shows transaction {id} at {where}, which no replica committed.");
            foreach (var doc in transaction.AuditDocuments)
                if (!seen[doc].Contains(id))
                    throw new CheckFailedException(FailureKind.Atomicity, $"replica {Short(db)} at {where} shows transaction {id} (commit {transaction.Commit}) in {Written(seen, transaction)} but not in {doc}.");
            foreach (var cause in transaction.Causes)
                if (!visible.Contains(cause))
                    throw new CheckFailedException(FailureKind.Causality, $"replica {Short(db)} at {where} shows transaction {id} (commit {transaction.Commit}) but not its cause {cause} (commit {trail.Find(cause)?.Commit}).");
        }
    }

    /// <summary>After quiescence: every replica holds the same documents (materialized and as CRDT
    /// state), heads, clock and counts, every audited transaction is there whole, and every
    /// ledger verifies.</summary>
    public static async Task CheckConvergedAsync(IReadOnlyList<Database> dbs, AuditTrail trail)
    {
        var first = await dbs[0].InfoAsync();
        string firstPrint = await FingerprintAsync(dbs[0]);
        for (int r = 0; r < dbs.Count; r++)
        {
            var info = await dbs[r].InfoAsync();
            string print = r == 0 ? firstPrint : await FingerprintAsync(dbs[r]);
            string Differ(string what) => $"replica {r} and replica 0 differ in {what}: clocks {Clock(info.Clock)} vs {Clock(first.Clock)}";
            if (!info.Clock.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(first.Clock.OrderBy(e => e.Key, StringComparer.Ordinal)))
                throw new CheckFailedException(FailureKind.Convergence, Differ("clock"));
            if (!info.Heads.SequenceEqual(first.Heads)) throw new CheckFailedException(FailureKind.Convergence, Differ("heads"));
            if (info.Commits != first.Commits || info.Documents != first.Documents) throw new CheckFailedException(FailureKind.Convergence, Differ("counts"));
            if (print != firstPrint) throw new CheckFailedException(FailureKind.Convergence, Differ($"documents (state hash {print[..12]} vs {firstPrint[..12]})"));
            var report = await dbs[r].VerifyAsync();
            if (!report.Ok) throw new CheckFailedException(FailureKind.Verify, $"replica {r}: {string.Join("; ", report.Problems.Take(3))}");
        }
        // Every transaction ever acknowledged reached every replica, whole (the state is equal, so one replica says it).
        var audit = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (int i = 0; i < AuditTrail.Documents; i++)
            audit[AuditTrail.DocumentId(i)] = [.. Workload.TransactionIds(await dbs[0].GetAsync(AuditTrail.Collection, AuditTrail.DocumentId(i)))];
        foreach (var tx in trail.Transactions)
            foreach (var doc in tx.AuditDocuments)
                if (!audit[doc].Contains(tx.Id))
                    throw new CheckFailedException(FailureKind.Convergence, $"transaction {tx.Id} (commit {tx.Commit}, replica {tx.Replica}) was acknowledged but {doc} does not show it.");
    }

    /// <summary>SHA-256 over every document the database ever touched (the schema's collections and
    /// <c>_schema</c> among them), in (collection, id) order:
    /// whether it exists, its fields as canonical DAG-CBOR, its CRDT state as stored, and the whole
    /// answer a read gives (<c>_meta</c> included, but for the position, which is each replica's own).</summary>
    public static async Task<string> FingerprintAsync(Database db)
    {
        long position = db.Position;
        var documents = new SortedSet<(string Collection, string Id)>(Comparer<(string, string)>.Create((a, b) =>
        {
            int c = string.CompareOrdinal(a.Item1, b.Item1);
            return c != 0 ? c : string.CompareOrdinal(a.Item2, b.Item2);
        }));
        await foreach (var change in db.ChangesAsync(0))
            foreach (var doc in change.Documents) documents.Add((doc.Collection, doc.Id));
        // The schema is a document too (the feed lists it like any other): every replica must hold the same version.
        documents.Add((SystemCollections.Schema, SystemCollections.SchemaDocument));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var writer = new DagCborWriter(1024);
        foreach (var (collection, id) in documents)
        {
            var version = db.Stored.ReadVersion(collection, id, position);
            bool exists = version?.State.Exists == true;
            writer.Reset();
            writer.WriteStartArray(5);
            writer.WriteText(collection);
            writer.WriteText(id);
            writer.WriteBoolean(exists);
            if (exists) ValueCbor.Write(writer, version!.Value);
            else writer.WriteNull();
            if (version is null) writer.WriteNull();
            else DocumentStateCodec.Write(writer, version.State);
            writer.WriteEndArray();
            hash.AppendData(writer.Encode());
            // The whole answer a reader gets, _meta included (but its position, which is this replica's own).
            var answer = (await db.GetAsync(collection, id))?.ToJsonObject();
            answer?["_meta"]!.AsObject().Remove("position");
            writer.Reset();
            writer.WriteText(answer?.ToJsonString() ?? "null");
            hash.AppendData(writer.Encode());
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Written(Dictionary<string, HashSet<string>> seen, AuditedTransaction tx)
        => string.Join(", ", tx.AuditDocuments.Where(d => seen[d].Contains(tx.Id)));

    private static string Short(Database db) => db.Replica.Did[^6..];

    private static string Clock(IReadOnlyDictionary<string, long> clock)
        => "{" + string.Join(", ", clock.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key[^6..]}:{e.Value}")) + "}";
}
