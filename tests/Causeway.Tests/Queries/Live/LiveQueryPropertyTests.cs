using Causeway.Queries;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries.Live;

/// <summary>For random write sequences (puts, patches, deletes, recreations, transactions of several
/// documents) and random queries (shortlisted <c>eq</c>s, ranges, <c>or</c>s, orders, limits), applying
/// each delta to the snapshot gives the query's own result at every position; a delta comes exactly
/// at the positions where the result changed. Subscriptions that joined before the writes and ones
/// that resume from the start afterwards see the same events.</summary>
public sealed class LiveQueryPropertyTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Replica _tight = null!;
    private Database _db = null!;
    private int _collections;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        // Windows without spare rows: every document that leaves a full result makes it run the query again.
        _tight = Replica.OpenInMemory(new ReplicaOptions { TestOnlyLiveQuerySpareRows = 0 });
    }

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        await _tight.DisposeAsync();
    }

    private static readonly string[] Ids = ["d0", "d1", "d2", "d3", "d4", "d5"];
    private static readonly string[] Values = ["0", "1", "2", "3", "1.0", "\"1\"", "\"x\"", "null", "true"];

    private static readonly Gen<string> ValueGen = Gen.Int[0, Values.Length - 1].Select(i => Values[i]);

    private static readonly Gen<string> DocumentGen = Gen.Select(ValueGen, ValueGen, Gen.Int[0, 3])
        .Select((a, b, shape) => shape switch { 0 => "{}", 1 => $$"""{"a": {{a}}}""", 2 => $$"""{"b": {{b}}}""", _ => $$"""{"a": {{a}}, "b": {{b}}}""" });

    /// <summary>Kind 0 deletes (if present), 1 patches b (if present), 2 writes two documents in one transaction, else puts.</summary>
    private sealed record Write(int Kind, int Id, int Other, string Document, string Value)
    {
        public override string ToString() => Kind switch
        {
            0 => $"delete {Ids[Id]}",
            1 => $"patch {Ids[Id]} b={Value}",
            2 => $"tx put {Ids[Id]} {Document}, put {Ids[Other]} {{}} and other/x",
            _ => $"put {Ids[Id]} {Document}",
        };
    }

    private static readonly Gen<Write> WriteGen = Gen.Select(Gen.Int[0, 6], Gen.Int[0, Ids.Length - 1], Gen.Int[0, Ids.Length - 1], DocumentGen, ValueGen)
        .Select((kind, id, other, document, value) => new Write(kind, id, other, document, value));

    private static readonly Gen<string> LeafGen = Gen.OneOf(
        ValueGen.Select(v => $$"""{"path": "a", "eq": {{v}}}"""),
        ValueGen.Select(v => $$"""{"path": "b", "eq": {{v}}}"""),
        ValueGen.Select(v => $$"""{"path": "a", "gte": {{v}}}"""),
        ValueGen.Select(v => $$"""{"path": "b", "ne": {{v}}}"""),
        Gen.Bool.Select(e => $$"""{"path": "b", "exists": {{(e ? "true" : "false")}}}"""));

    private static readonly Gen<string> WhereGen = Gen.Frequency(
        (1, Gen.Const("null")),
        (3, LeafGen),
        (2, Gen.Select(LeafGen, LeafGen).Select((x, y) => $$"""{"and": [{{x}}, {{y}}]}""")),
        (1, Gen.Select(LeafGen, LeafGen).Select((x, y) => $$"""{"or": [{{x}}, {{y}}]}""")));

    private static readonly Gen<string> OrderGen = Gen.OneOf(
        Gen.Const("[]"), Gen.Const("""[{"path": "a"}]"""), Gen.Const("""[{"path": "b", "desc": true}]"""), Gen.Const("""[{"path": "a", "desc": true}, {"path": "b"}]"""));

    private sealed record Case(Write[] Writes, string[] Queries)
    {
        public override string ToString() => $"writes: {string.Join("; ", Writes.Select(w => w.ToString()))}\nqueries:\n  {string.Join("\n  ", Queries)}";
    }

    private static readonly Gen<string> QueryGen = Gen.Select(WhereGen, OrderGen, Gen.Int[1, 4])
        .Select((where, order, limit) => $$"""{"collection": "COLL", "where": {{where}}, "orderBy": {{order}}, "limit": {{limit}}}""");

    private static readonly Gen<Case> CaseGen = Gen.Select(WriteGen.Array[1, 20], QueryGen.Array[1, 4]).Select((writes, queries) => new Case(writes, queries));

    [Fact]
    public async Task Deltas_applied_to_the_snapshot_give_the_result_at_every_position()
    {
        _db = await _replica.CreateDatabaseAsync("live");
        await CaseGen.SampleAsync(Check, iter: 60, threads: 1, print: c => c.ToString());
    }

    [Fact]
    public async Task Deltas_applied_to_the_snapshot_give_the_result_at_every_position_when_windows_refill()
    {
        _db = await _tight.CreateDatabaseAsync("live");
        await CaseGen.SampleAsync(Check, iter: 60, threads: 1, print: c => c.ToString());
    }

    private async Task Check(Case c)
    {
        string collection = $"c{Interlocked.Increment(ref _collections)}";
        var queries = c.Queries.Select(q => Query.Parse(q.Replace("COLL", collection))).ToList();
        await _db.PutJsonAsync(collection, "d0", """{"a": 1}""");
        long start = _db.Position;

        // Subscribed before the writes: each joins the dispatcher while they are made.
        var joined = new List<LiveEvents>();
        try
        {
            foreach (var query in queries)
            {
                var live = new LiveEvents(_db, query);
                joined.Add(live);
                var snapshot = await live.NextAsync();
                Assert.Equal(start, snapshot.Position);
                live.Ask();
            }

            var present = new HashSet<string> { "d0" };
            foreach (var write in c.Writes)
            {
                string id = Ids[write.Id];
                switch (write.Kind)
                {
                    case 0 when present.Remove(id):
                        await _db.DeleteAsync(collection, id);
                        break;
                    case 1 when present.Contains(id):
                        await _db.PatchAsync(collection, id, Causeway.Documents.FieldOp.Set("b", ValueJson.Parse(write.Value)));
                        break;
                    case 2:
                        await _db.TransactAsync(tx =>
                        {
                            tx.Put(collection, id, ValueJson.Parse(write.Document));
                            if (write.Other != write.Id) tx.Put(collection, Ids[write.Other], Value.EmptyMap);
                            tx.Put("other", "x", Value.EmptyMap);
                        });
                        present.Add(id);
                        present.Add(Ids[write.Other]);
                        break;
                    case 0 or 1:
                        await _db.PutJsonAsync("other", "y", "{}"); // a commit that touches nothing of the collection
                        break;
                    default:
                        await _db.PutJsonAsync(collection, id, write.Document);
                        present.Add(id);
                        break;
                }
            }
            long end = _db.Position;

            for (int i = 0; i < queries.Count; i++)
            {
                var query = queries[i];
                // The result at each position, and where it changed.
                var results = new Dictionary<long, QueryResult>();
                for (long p = start; p <= end; p++) results[p] = await _db.QueryAsync(query.At(ReadPoint.AtPosition(p)));
                var changedAt = Enumerable.Range(0, (int)(end - start)).Select(k => start + 1 + k).Where(p => !SameResult(results[p - 1], results[p])).ToList();

                await using var resumed = new LiveEvents(_db, query, since: start);
                foreach (var live in new[] { joined[i], resumed })
                {
                    var model = new LiveResult();
                    model.Apply(new LiveQueryEvent(LiveQueryEventKind.Snapshot, start, null, null, false, results[start].Documents, [], []));
                    foreach (long p in changedAt)
                    {
                        var e = await live.NextAsync();
                        Assert.True(e.Position == p, $"{query}: an event at {e.Position}, expected one at {p} (changes at {string.Join(",", changedAt)})");
                        Assert.Equal(LiveQueryEventKind.Delta, e.Kind);
                        Assert.True(e.Entered.Count + e.Changed.Count + e.Left.Count > 0);
                        model.Apply(e);
                        model.AssertEquals(results[p], query.ToString());
                    }
                }
            }
        }
        finally
        {
            foreach (var live in joined) await live.DisposeAsync();
        }
    }

    /// <summary>The same documents at the same versions, in the same order.</summary>
    private static bool SameResult(QueryResult a, QueryResult b)
        => a.Documents.Select(d => (d.Id, d.Position)).SequenceEqual(b.Documents.Select(d => (d.Id, d.Position)));
}
