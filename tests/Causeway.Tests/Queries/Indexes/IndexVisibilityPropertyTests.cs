using Causeway.Errors;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries.Indexes;

/// <summary>Index-planned queries return exactly what reading every document returns, over random
/// histories on two replicas that sync (puts, deletes, recreations, cascades, and children hidden
/// by a remove-wins parent deleted concurrently elsewhere), at the latest position and in the past,
/// and on a partial replica that holds some of the children.</summary>
public sealed class IndexVisibilityPropertyTests
{
    private const string Schema = """
        { "collections": {
            "parents": { "fields": {} },
            "kids": { "fields": { "parent": { "kind": "lww", "references": "parents", "policy": "remove-wins" } } } } }
        """;

    private static readonly string[] Parents = ["p0", "p1", "p2"];
    private static readonly string[] Kids = ["k00", "k01", "k10", "k11", "k12", "k20"];

    /// <summary>On (A or B): 0 put parent, 1 delete parent, 2 put kid, 3 delete kid, 4 sync.</summary>
    private sealed record Op(bool OnB, int Kind, int Parent, int Kid, int N, int Tag, bool Orphan)
    {
        public override string ToString() => $"{(OnB ? "B" : "A")}:{Kind switch
        {
            0 => $"put {Parents[Parent]}",
            1 => $"delete {Parents[Parent]}",
            2 => $"put {Kids[Kid]} parent={(Orphan ? "-" : Parents[Parent])} n={N} tag=t{Tag}",
            3 => $"delete {Kids[Kid]}",
            _ => "sync",
        }}";
    }

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Bool, Gen.Frequency((3, Gen.Const(0)), (2, Gen.Const(1)), (5, Gen.Const(2)), (1, Gen.Const(3)), (3, Gen.Const(4))),
        Gen.Int[0, Parents.Length - 1], Gen.Int[0, Kids.Length - 1], Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[0, 4])
        .Select((b, kind, parent, kid, n, tag, orphan) => new Op(b, kind, parent, kid, n, tag, orphan == 0));

    /// <summary>A filter on kids, as JSON and as the model's function.</summary>
    /// <param name="Ranges">Whether it only ranges over <c>n</c>: without orderBy, such a query comes in n's order.</param>
    private sealed record Filter(string Json, Func<Document, bool> Matches, bool Ranges = false)
    {
        public override string ToString() => Json;
    }

    private static long? N(Document d) => d.Fields.Get("n") is { Kind: ValueKind.Int } n ? n.AsInt() : null;

    private static readonly Gen<Filter> LeafGen = Gen.OneOf(
        Gen.Int[0, 4].Select(v => new Filter($$"""{"path": "n", "eq": {{v}}}""", d => N(d) == v)),
        Gen.Int[0, 4].Select(v => new Filter($$"""{"path": "n", "gte": {{v}}}""", d => N(d) >= v, Ranges: true)),
        Gen.Int[0, 4].Select(v => new Filter($$"""{"path": "n", "lt": {{v}}.5}""", d => N(d) < v + 0.5, Ranges: true)),
        Gen.Int[0, 2].Select(t => new Filter($$"""{"path": "tags", "contains": "t{{t}}"}""", d => d.Fields.Get("tags") is { Kind: ValueKind.Array } a && a.AsArray().Any(x => x.Kind == ValueKind.String && x.AsString() == $"t{t}"))),
        Gen.Int[0, Parents.Length - 1].Select(p => new Filter($$"""{"path": "parent", "eq": "{{Parents[p]}}"}""", d => d.Fields.Get("parent") is { Kind: ValueKind.String } s && s.AsString() == Parents[p])),
        Gen.Const(new Filter("""{"path": "parent", "exists": true}""", d => d.Fields.Get("parent") is not null)));

    private static readonly Gen<Filter> FilterGen = Gen.Frequency(
        (3, LeafGen),
        (1, Gen.Select(LeafGen, LeafGen).Select((a, b) => new Filter($$"""{"and": [{{a.Json}}, {{b.Json}}]}""", d => a.Matches(d) && b.Matches(d), a.Ranges && b.Ranges))),
        (1, Gen.Select(LeafGen, LeafGen).Select((a, b) => new Filter($$"""{"or": [{{a.Json}}, {{b.Json}}]}""", d => a.Matches(d) || b.Matches(d)))));

    private sealed record Case(Op[] Ops, Filter Where, int Order, int Limit, int PastAt)
    {
        public override string ToString() => $"ops: {string.Join("; ", Ops.Select(o => o.ToString()))}\nwhere: {Where}\norder: {Order}, limit {Limit}, past at op #{PastAt}";
    }

    private static readonly Gen<Case> CaseGen = Gen.Select(OpGen.Array[1, 24], FilterGen, Gen.Int[0, 2], Gen.Int[1, 3], Gen.Int[0, 24])
        .Select((ops, where, order, limit, past) => new Case(ops, where, order, limit, past));

    [Fact]
    public async Task Index_answers_equal_reading_every_document() => await CaseGen.SampleAsync(Check, iter: 100, threads: 1, print: c => c.ToString());

    private static async Task Check(Case c)
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        await using var p = Replica.OpenInMemory();
        var dbA = await a.CreateDatabaseAsync("d");
        var dbB = await b.CreateDatabaseAsync("d");
        var dbP = await p.CreateDatabaseAsync("d", Subscription.Of([CollectionSelector.Parse("parents"), CollectionSelector.Parse("kids/k1")]));
        await dbA.SetSchemaAsync(SchemaJson.Parse(Schema));
        await dbA.SyncWithAsync(dbB);

        var positionsOfA = new List<long>();
        foreach (var op in c.Ops)
        {
            var db = op.OnB ? dbB : dbA;
            try
            {
                switch (op.Kind)
                {
                    case 0: await db.PutJsonAsync("parents", Parents[op.Parent], "{}"); break;
                    case 1: await db.DeleteAsync("parents", Parents[op.Parent]); break;
                    case 2:
                        string parent = op.Orphan ? "" : $"\"parent\": \"{Parents[op.Parent]}\", ";
                        await db.PutJsonAsync("kids", Kids[op.Kid], $$"""{ {{parent}}"n": {{op.N}}, "tags": ["t{{op.Tag}}", "x"] }""");
                        break;
                    case 3: await db.DeleteAsync("kids", Kids[op.Kid]); break;
                    default: await dbA.SyncWithAsync(dbB); break;
                }
            }
            catch (CausewayException e) when (e is ConstraintViolationException or NotFoundException) { }
            positionsOfA.Add(dbA.Position);
        }
        await dbA.SyncWithAsync(dbB);
        await dbA.SyncWithAsync(dbP, SyncDirection.Push);

        // The partial replica holds what A has of the kids it subscribes to.
        foreach (var id in Kids.Where(k => k.StartsWith("k1", StringComparison.Ordinal)))
            Assert.Equal((await dbA.GetAsync("kids", id))?.Fields, (await dbP.GetAsync("kids", id))?.Fields);

        var past = c.PastAt < positionsOfA.Count ? ReadPoint.AtPosition(positionsOfA[c.PastAt]) : null;
        await Compare(dbA, c, null, confine: false);
        await Compare(dbA, c, past, confine: false);
        await Compare(dbB, c, null, confine: false);
        await Compare(dbP, c, null, confine: true);
    }

    private static async Task Compare(Database db, Case c, ReadPoint? at, bool confine)
    {
        // The model: every kid read one by one (visibility included), filtered and ordered plainly.
        var all = new List<Document>();
        foreach (var id in Kids.Where(k => !confine || k.StartsWith("k1", StringComparison.Ordinal)))
            if (await db.GetAsync("kids", id, at) is { } doc) all.Add(doc);
        var expected = all.Where(c.Where.Matches).ToList();
        expected.Sort((x, y) => Order(x, y, c.Order == 0 && c.Where.Ranges && !confine ? 1 : c.Order));

        string where = confine ? $$"""{"and": [{{c.Where.Json}}, {"path": "_id", "prefix": "k1"}]}""" : c.Where.Json;
        string order = c.Order switch { 1 => """[{"path": "n"}]""", 2 => """[{"path": "n", "desc": true}]""", _ => "[]" };
        var query = Query.Parse($$"""{"collection": "kids", "where": {{where}}, "orderBy": {{order}}, "limit": {{c.Limit}}}""").At(at);
        var walked = new List<string>();
        string? next = null;
        do
        {
            var page = await db.QueryAsync(query.After(next));
            walked.AddRange(page.Documents.Select(d => d.Id));
            next = page.Next;
            Assert.True(walked.Count <= Kids.Length, "Too many documents.");
        }
        while (next is not null);
        Assert.Equal(expected.Select(d => d.Id), walked);
    }

    private static int Order(Document x, Document y, int order)
    {
        if (order != 0)
        {
            var (a, b) = (N(x), N(y));
            int c = a is null ? (b is null ? 0 : -1) : b is null ? 1 : a.Value.CompareTo(b.Value);
            if (c != 0) return order == 2 ? -c : c;
        }
        return string.CompareOrdinal(x.Id, y.Id);
    }
}
