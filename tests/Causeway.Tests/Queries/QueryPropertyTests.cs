using Causeway.Queries;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries;

/// <summary>For random small collections (with updates, deletes and recreations), random predicates,
/// orders, limits and read points, walking every page of <see cref="Database.QueryAsync"/> gives what a
/// naive LINQ evaluation over <see cref="Database.GetAsync"/> of every document gives. Queries run
/// through the path index (at the latest position and in the past), so this holds the index to the
/// scan's answers too. The model
/// below restates docs/queries.md independently of the engine.</summary>
public sealed class QueryPropertyTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;
    private int _collections;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("prop");
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    // ---- generators ----

    private static readonly string[] Ids = ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"];
    private static readonly string[] Paths = ["a", "b", "m.x", "_id", "zz"];

    private static readonly string[] ValuePool =
    [
        "-1", "0", "1", "2", "1.0", "1.5", "-0.5", "2.0",
        """{"$decimal": "1"}""", """{"$decimal": "1.50"}""",
        "\"\"", "\"a\"", "\"ab\"", "\"b\"", "\"B\"", "\"d3\"",
        "true", "false", "null",
        "[1]", "[1.0, 2]", "[\"a\"]", "[]", """{"x": 1}""", """{"x": "a", "y": 2}""",
        """{"$time": "2026-01-01T00:00:00Z"}""",
    ];

    private static readonly Gen<string> Operand = Gen.Int[0, ValuePool.Length - 1].Select(i => ValuePool[i]);
    private static readonly Gen<string> PathGen = Gen.Int[0, Paths.Length - 1].Select(i => Paths[i]);

    private static Gen<string> Field(string name) => Gen.Frequency(
        (1, Gen.Const("")),
        (3, Operand.Select(v => $"\"{name}\": {v}")));

    private static readonly Gen<string> NestedField = Gen.Frequency(
        (1, Gen.Const("")),
        (1, Operand.Select(v => $"\"m\": {v}")),
        (2, Operand.Select(v => $"\"m\": {{\"x\": {v}}}")));

    private static readonly Gen<string> DocumentJson = Gen.Select(Field("a"), Field("b"), NestedField)
        .Select((a, b, m) => "{" + string.Join(", ", new[] { a, b, m }.Where(f => f.Length > 0)) + "}");

    /// <summary>A write: put the document, or (Kind 0) delete it if it is there.</summary>
    private sealed record Write(int Id, int Kind, string Document)
    {
        public override string ToString() => Kind == 0 ? $"delete {Ids[Id]}" : $"put {Ids[Id]} {Document}";
    }

    private static readonly Gen<Write> WriteGen = Gen.Select(Gen.Int[0, Ids.Length - 1], Gen.Int[0, 4], DocumentJson)
        .Select((id, kind, doc) => new Write(id, kind, doc));

    /// <summary>A predicate as QUERY JSON and as the model's own function.</summary>
    private sealed record ModelPredicate(string Json, Func<Document, bool> Matches)
    {
        public override string ToString() => Json;
    }

    private static readonly string[] ComparisonNames = ["eq", "ne", "lt", "lte", "gt", "gte"];

    private static readonly Gen<ModelPredicate> Leaf = Gen.OneOf(
        Gen.Select(PathGen, Gen.Int[0, 5], Operand).Select((path, op, operand) =>
        {
            var value = ValueJson.Parse(operand);
            string name = ComparisonNames[op];
            return new ModelPredicate($$"""{"path": "{{path}}", "{{name}}": {{operand}}}""", d => Model.Compare(name, Model.Read(d, path), value));
        }),
        Gen.Select(PathGen, Operand.Array[0, 3]).Select((path, operands) =>
        {
            var values = operands.Select(ValueJson.Parse).ToArray();
            return new ModelPredicate($$"""{"path": "{{path}}", "in": [{{string.Join(", ", operands)}}]}""",
                d => Model.Read(d, path) is { } v && values.Any(x => Model.Equal(v, x)));
        }),
        Gen.Select(PathGen, Gen.OneOf("", "a", "b", "d", "A")).Select((path, prefix) =>
            new ModelPredicate($$"""{"path": "{{path}}", "prefix": "{{prefix}}"}""",
                d => Model.Read(d, path) is { Kind: ValueKind.String } v && v.AsString().StartsWith(prefix, StringComparison.Ordinal))),
        Gen.Select(PathGen, Operand).Select((path, operand) =>
        {
            var element = ValueJson.Parse(operand);
            return new ModelPredicate($$"""{"path": "{{path}}", "contains": {{operand}}}""",
                d => Model.Read(d, path) is { Kind: ValueKind.Array } v && v.AsArray().Any(x => Model.Equal(x, element)));
        }),
        Gen.Select(PathGen, Gen.Bool).Select((path, exists) =>
            new ModelPredicate($$"""{"path": "{{path}}", "exists": {{(exists ? "true" : "false")}}}""", d => (Model.Read(d, path) is not null) == exists)));

    private static Gen<ModelPredicate> PredicateGen(int depth) => depth == 0 ? Leaf : Gen.Frequency(
        (4, Leaf),
        (1, PredicateGen(depth - 1).Array[0, 3].Select(ps => new ModelPredicate(
            $$"""{"and": [{{string.Join(", ", ps.Select(p => p.Json))}}]}""", d => ps.All(p => p.Matches(d))))),
        (1, PredicateGen(depth - 1).Array[0, 3].Select(ps => new ModelPredicate(
            $$"""{"or": [{{string.Join(", ", ps.Select(p => p.Json))}}]}""", d => ps.Any(p => p.Matches(d))))),
        (1, PredicateGen(depth - 1).Select(p => new ModelPredicate($$"""{"not": {{p.Json}}}""", d => !p.Matches(d)))));

    private static readonly Gen<(string Path, bool Desc)[]> OrderGen = Gen.Select(PathGen, Gen.Bool).Array[0, 3];

    private sealed record Case(Write[] Writes, ModelPredicate? Where, (string Path, bool Desc)[] Order, int Limit, int ReadAt)
    {
        public override string ToString() =>
            $"writes: {string.Join("; ", Writes.Select(w => w.ToString()))}\nwhere: {Where}\norder: {string.Join(", ", Order.Select(o => o.Path + (o.Desc ? " desc" : "")))}\nlimit: {Limit}, read at write #{ReadAt}";
    }

    private static readonly Gen<Case> CaseGen = Gen.Select(
            WriteGen.Array[1, 16],
            Gen.Frequency((1, Gen.Const((ModelPredicate?)null)), (5, PredicateGen(3).Select(p => (ModelPredicate?)p))),
            OrderGen,
            Gen.Int[1, 4],
            Gen.Int[0, 20])
        .Select((writes, where, order, limit, readAt) => new Case(writes, where, order, limit, readAt));

    // ---- the property ----

    [Fact]
    public async Task Query_pages_equal_a_naive_evaluation_over_get()
        => await CaseGen.SampleAsync(Check, iter: 150, threads: 1, print: c => c.ToString());

    private async Task Check(Case c)
    {
        string collection = $"c{Interlocked.Increment(ref _collections)}";

        // Apply the writes, remembering the position after each.
        var positions = new List<long> { _db.Position };
        var live = new HashSet<string>();
        foreach (var write in c.Writes)
        {
            string id = Ids[write.Id];
            if (write.Kind == 0)
            {
                if (!live.Remove(id)) continue;
                await _db.DeleteAsync(collection, id);
            }
            else
            {
                await _db.PutJsonAsync(collection, id, write.Document);
                live.Add(id);
            }
            positions.Add(_db.Position);
        }
        // Mostly the latest state; sometimes a point in the middle of the writes.
        var at = c.ReadAt < positions.Count ? ReadPoint.AtPosition(positions[c.ReadAt]) : null;

        // The naive answer.
        var all = new List<Document>();
        foreach (var id in Ids)
            if (await _db.GetAsync(collection, id, at) is { } doc) all.Add(doc);
        var order = c.Order.Length == 0 && c.Where is not null && Model.RangedPath(System.Text.Json.Nodes.JsonNode.Parse(c.Where.Json)) is { } ranged
            ? [(ranged, false)]
            : c.Order;
        var expected = all.Where(d => c.Where is null || c.Where.Matches(d)).Order(Comparer<Document>.Create((x, y) => Model.CompareDocuments(x, y, order))).ToList();

        // The engine's, page by page.
        string orderJson = string.Join(", ", c.Order.Select(o => $$"""{"path": "{{o.Path}}", "desc": {{(o.Desc ? "true" : "false")}}}"""));
        var query = Query.Parse($$"""{"collection": "{{collection}}", "where": {{c.Where?.Json ?? "null"}}, "orderBy": [{{orderJson}}], "limit": {{c.Limit}}}""").At(at);
        var walked = new List<Document>();
        string? next = null;
        int pages = 0;
        do
        {
            var page = await _db.QueryAsync(query.After(next));
            Assert.True(page.Documents.Count <= c.Limit);
            Assert.True(page.Next is null || page.Documents.Count == c.Limit);
            walked.AddRange(page.Documents);
            next = page.Next;
            Assert.True(++pages <= Ids.Length + 1, "Too many pages.");
        }
        while (next is not null);

        Assert.Equal(expected.Select(d => d.ToJson()), walked.Select(d => d.ToJson()));
    }

    /// <summary>docs/queries.md, restated plainly.</summary>
    private static class Model
    {
        public static Value? Read(Document d, string path)
        {
            if (path == "_id") return Value.String(d.Id);
            Value? v = d.Fields;
            foreach (var segment in path.Split('.')) v = v?.Get(segment);
            return v;
        }

        private static int Rank(Value v) => v.Kind switch
        {
            ValueKind.Null => 0,
            ValueKind.Bool => 1,
            ValueKind.Int or ValueKind.Double or ValueKind.Decimal => 2,
            ValueKind.String => 3,
            ValueKind.Bytes => 4,
            ValueKind.Timestamp => 5,
            ValueKind.Array => 6,
            _ => 7,
        };

        private static decimal Number(Value v) => v.Kind switch
        {
            ValueKind.Int => v.AsInt(),
            ValueKind.Double => (decimal)v.AsDouble(),
            _ => v.AsDecimal(),
        };

        public static int CompareValues(Value a, Value b)
        {
            if (Rank(a) != Rank(b)) return Rank(a).CompareTo(Rank(b));
            if (Rank(a) == 2) return Number(a).CompareTo(Number(b));
            if (a.Kind == ValueKind.Array)
            {
                var (x, y) = (a.AsArray(), b.AsArray());
                return x.Zip(y, CompareValues).FirstOrDefault(c => c != 0) is var c && c != 0 ? c : x.Count.CompareTo(y.Count);
            }
            if (a.Kind == ValueKind.Map)
            {
                var (x, y) = (a.AsMap(), b.AsMap());
                foreach (var (p, q) in x.Zip(y))
                {
                    int c = string.CompareOrdinal(p.Key, q.Key);
                    if (c == 0) c = CompareValues(p.Value, q.Value);
                    if (c != 0) return c;
                }
                return x.Count.CompareTo(y.Count);
            }
            return a.CompareTo(b);
        }

        public static bool Equal(Value a, Value b) => Rank(a) == Rank(b) && CompareValues(a, b) == 0;

        public static bool Compare(string op, Value? field, Value operand)
        {
            if (op == "ne") return field is null || !Equal(field, operand);
            if (field is null || Rank(field) != Rank(operand)) return false;
            int c = CompareValues(field, operand);
            return op switch { "eq" => c == 0, "lt" => c < 0, "lte" => c <= 0, "gt" => c > 0, _ => c >= 0 };
        }

        /// <summary>Without orderBy, a filter that only ranges over one path (lt, lte, gt, gte or prefix on
        /// a path other than _id, alone or in an and of such conditions on that path) comes in that
        /// path's order.</summary>
        public static string? RangedPath(System.Text.Json.Nodes.JsonNode? filter)
        {
            if (filter is not System.Text.Json.Nodes.JsonObject o) return null;
            if (o["and"] is System.Text.Json.Nodes.JsonArray and)
            {
                var paths = and.Select(RangedPath).ToList();
                return paths.Count > 0 && paths.All(p => p is not null && p == paths[0]) ? paths[0] : null;
            }
            string? path = (string?)o["path"];
            bool range = new[] { "lt", "lte", "gt", "gte", "prefix" }.Any(o.ContainsKey);
            return range && path != "_id" ? path : null;
        }

        public static int CompareDocuments(Document x, Document y, (string Path, bool Desc)[] order)
        {
            foreach (var (path, desc) in order)
            {
                var (a, b) = (Read(x, path), Read(y, path));
                int c = a is null ? (b is null ? 0 : -1) : b is null ? 1 : CompareValues(a, b);
                if (c != 0) return desc ? -c : c;
            }
            return string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
