using System.Text.Json;
using CsCheck;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Tests.Invariants;

/// <summary>Schemas: parsing, the analysis of each constraint, refusal of what cannot be
/// guaranteed, storage as versioned commits that replicate, and the report of stored documents a
/// new schema finds in violation.</summary>
public sealed class SchemaTests
{
    /// <summary>The example of API.md, SCHEMA.</summary>
    internal const string Exchange = """
        { "collections": {
            "players":   { "id": "uuid",
                           "fields": { "name": { "kind": "lww", "type": "string", "required": true },
                                       "credits": { "kind": "bcounter", "min": 0 } },
                           "unique": [ ["name"] ] },
            "items":     { "fields": { "owner": { "kind": "lww", "references": "players", "policy": "add-wins" },
                                       "price": { "kind": "lww", "type": "number" },
                                       "discounted_price": { "kind": "lww", "type": "number" },
                                       "for_sale": { "kind": "flag_ew" } },
                           "checks": [ { "name": "discount_below_price", "expr": "discounted_price > 0 and price > discounted_price" } ] },
            "purchases": { "id": "sequence",
                           "fields": { "item": { "kind": "lww", "references": "items", "policy": "remove-wins" } } } } }
        """;

    [Fact]
    public void The_contract_example_gets_one_technique_per_constraint()
    {
        var analysis = SchemaAnalyzer.Analyze(SchemaJson.Parse(Exchange));
        string Technique(string collection, string kind) => analysis.Constraints.Single(c => c.Collection == collection && c.Kind == kind).Technique;

        Assert.Equal(SchemaAnalyzer.BoundedCounter, Technique("players", "bound"));
        Assert.Equal(SchemaAnalyzer.Reservation, Technique("players", "unique"));
        Assert.Equal(SchemaAnalyzer.ConflictFree, Technique("players", "id"));
        Assert.Equal(SchemaAnalyzer.ConflictFree, Technique("items", "reference"));
        Assert.Equal(SchemaAnalyzer.AtomicGroup, Technique("items", "check"));
        Assert.Equal(SchemaAnalyzer.ConflictFree, Technique("purchases", "reference"));
        Assert.Equal(SchemaAnalyzer.Reservation, Technique("purchases", "id"));
        // Only reservations and bounds may coordinate, and they say which operations.
        Assert.Equal(["decrement credits"], analysis.Constraints.Single(c => c.Kind == "bound").Coordinates);
        Assert.Empty(analysis.Constraints.Single(c => c.Kind == "check").Coordinates);
        Assert.Contains("create purchases", analysis.Constraints.Single(c => c.Collection == "purchases" && c.Kind == "id").Coordinates);
    }

    [Fact]
    public void Canonical_json_round_trips()
    {
        var schema = SchemaJson.Parse(Exchange);
        string json = SchemaJson.ToJson(schema);
        Assert.Equal(json, SchemaJson.ToJson(SchemaJson.Parse(json)));
        Assert.Equal(ReferencePolicy.RemoveWins, SchemaJson.Parse(json).For("purchases")!.Field("item")!.Policy);
        Assert.Equal(IdGeneration.Sequence, SchemaJson.Parse(json).For("purchases")!.Id);
    }

    [Theory]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "lww", "min": 0}}}}}""", "bcounter")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "counter"}}, "checks": [{"name": "pos", "expr": "n > 0"}]}}}""", "only lww fields")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "awset"}}, "unique": [["n"]]}}}""", "single-valued")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "bcounter", "min": 5, "max": 1}}}}}""", "above max")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "bcounter", "min": 5}}}}}""", "starts at 0")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "bcounter"}}}}}""", "without 'min' or 'max'")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "counter", "references": "d"}}}}}""", "is a counter")]
    [InlineData("""{"collections": {"a": {"fields": {"b": {"references": "b", "policy": "remove-wins"}}}, "b": {"fields": {"a": {"references": "a", "policy": "remove-wins"}}}}}""", "cycle")]
    [InlineData("""{"collections": {"a": {"fields": {"up": {"references": "a", "policy": "remove-wins"}}}}}""", "cycle")]
    public void A_constraint_that_cannot_be_guaranteed_is_refused_with_the_reason(string json, string reason)
    {
        var e = Assert.Throws<SchemaViolationException>(() => SchemaAnalyzer.Analyze(SchemaJson.Parse(json)));
        Assert.Equal(ErrorCodes.SchemaViolation, e.Code);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"collections": 1}""")]
    [InlineData("""{"collections": {"c": {"feilds": {}}}}""")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"kind": "lwww"}}}}}""")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"type": "str"}}}}}""")]
    [InlineData("""{"collections": {"c": {"fields": {"n": {"policy": "add-wins"}}}}}""")]
    [InlineData("""{"collections": {"c": {"unique": [["missing"]]}}}""")]
    [InlineData("""{"collections": {"c": {"checks": [{"name": "x", "expr": "a >"}]}}}""")]
    [InlineData("""{"collections": {"_schema": {}}}""")]
    [InlineData("""{"collections": {"c": {"id": "serial"}}}""")]
    [InlineData("""{"home": "did:key:nope", "collections": {}}""")]
    public void Malformed_schemas_are_invalid_input(string json)
    {
        var e = Assert.ThrowsAny<InvalidInputException>(() => SchemaJson.Parse(json));
        Assert.Contains(e.Code, new[] { ErrorCodes.InvalidValue, ErrorCodes.InvalidJson });
    }

    [Fact]
    public void Oversized_schemas_are_refused_before_analysis()
    {
        var chain = string.Join(", ", Enumerable.Range(0, SchemaJson.MaxCollections + 1).Select(i => $$"""
            "c{{i}}": { "fields": { "up": { "references": "c{{i + 1}}", "policy": "remove-wins" } } }
            """));
        var e = Assert.Throws<InvalidInputException>(() => SchemaJson.Parse("{\"collections\": {" + chain + "}}"));
        Assert.Contains("at most", e.Message);
        var fields = string.Join(", ", Enumerable.Range(0, SchemaJson.MaxFields + 1).Select(i => $"\"f{i}\": {{}}"));
        Assert.Throws<InvalidInputException>(() => SchemaJson.Parse("{\"collections\": {\"c\": {\"fields\": {" + fields + "}}}}"));
        // A long remove-wins chain within the limits is analyzed without trouble.
        var ok = string.Join(", ", Enumerable.Range(0, 500).Select(i => $$"""
            "c{{i}}": { "fields": { "up": { "references": "c{{i + 1}}", "policy": "remove-wins" } } }
            """));
        Assert.Equal(500, SchemaAnalyzer.Analyze(SchemaJson.Parse("{\"collections\": {" + ok + "}}")).Constraints.Count);
    }

    [Fact]
    public void Mutated_schemas_only_ever_fail_as_invalid_input_or_a_refusal()
    {
        // Splice random fragments into the contract example: every outcome is a schema, invalid
        // input naming where, or a refusal with a reason; never another exception.
        string[] fragments = ["{", "}", "[", "]", ",", ":", "\"kind\"", "\"bcounter\"", "\"min\"", "-1", "1e400", "null", "true", "\"references\"",
            "\"policy\"", "\"remove-wins\"", "\"unique\"", "[[]]", "\"checks\"", "\"expr\"", "\"a > \"", "\"_x\"", "\"fields\"", "\"id\"", "\"sequence\"", "\"\\u0000\""];
        Gen.Int[0, Exchange.Length - 1].Array[1, 4].Select(Gen.Int[0, fragments.Length - 1].Array[1, 4]).Sample((cuts, picks) =>
        {
            var text = Exchange;
            for (int i = 0; i < cuts.Length; i++)
            {
                int at = Math.Min(cuts[i], text.Length);
                text = text[..at] + fragments[picks[i % picks.Length]] + text[at..];
            }
            try { SchemaAnalyzer.Analyze(SchemaJson.Parse(text)); }
            catch (InvalidInputException e) { Assert.Contains(e.Code, new[] { ErrorCodes.InvalidJson, ErrorCodes.InvalidValue }); }
            catch (SchemaViolationException e) { Assert.StartsWith("The schema cannot be guaranteed", e.Message); }
        }, iter: 3000);
    }

    [Fact]
    public async Task A_schema_is_a_versioned_commit_that_replicates_and_is_enforced_on_the_other_side()
    {
        await using var pair = await TwoReplicas.StartAsync();
        var first = await pair.A.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"users": {"fields": {"name": {"type": "string", "required": true}}}}}"""));
        Assert.Equal(1, first.Version.Version);
        Assert.Equal(pair.ReplicaA.Did, first.Schema.Home);
        var second = await pair.A.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"users": {"fields": {"name": {"type": "string", "required": true}, "age": {"type": "integer"}}}}}"""));
        Assert.Equal(2, second.Version.Version);

        await pair.SyncAsync();
        var onB = await pair.B.GetSchemaAsync();
        Assert.Equal(2, onB.Version.Version);
        Assert.Equal(SchemaJson.ToJson(second.Schema), SchemaJson.ToJson(onB.Schema));
        Assert.Equal(2, (await pair.B.HistoryAsync(SystemCollections.Schema, SystemCollections.SchemaDocument)).Count);

        var missing = await Assert.ThrowsAsync<SchemaViolationException>(() => pair.B.PutAsync("users", "u1", Doc.Of("""{"age": 3}""")));
        Assert.Contains("'name' is required", missing.Message);
        var wrongType = await Assert.ThrowsAsync<SchemaViolationException>(() => pair.B.PutAsync("users", "u1", Doc.Of("""{"name": "x", "age": 3.5}""")));
        Assert.Contains("integer", wrongType.Message);
        Assert.Null(await pair.B.GetAsync("users", "u1"));
        await pair.B.PutAsync("users", "u1", Doc.Of("""{"name": "x", "age": 3, "extra": true}"""));
    }

    [Fact]
    public async Task Documents_stored_before_a_schema_that_break_it_are_reported_and_kept()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        await db.PutAsync("items", "ok", Doc.Of("""{"price": 10, "discounted_price": 5}"""));
        await db.PutAsync("items", "bad", Doc.Of("""{"price": 10, "discounted_price": 15}"""));
        await db.PutAsync("items", "typed", Doc.Of("""{"price": "ten"}"""));
        long position = db.Position;

        var info = await db.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"items": {"fields": {"price": {"type": "number"}}, "checks": [{"name": "discount", "expr": "price > discounted_price"}]}}}"""));

        Assert.Equal(["bad", "typed"], info.Violations.Select(v => v.Id).Order().ToArray());
        Assert.Contains(info.Violations, v => v.Id == "bad" && v.Constraint == "discount");
        Assert.Contains(info.Violations, v => v.Id == "typed" && v.Constraint == "price");
        Assert.Equal(position + 1, db.Position);  // the schema commit only: nothing was changed or dropped
        Assert.NotNull(await db.GetAsync("items", "bad"));
        Assert.Equal(2, (await db.GetSchemaAsync()).Violations.Count);
        // A refused schema writes nothing.
        await Assert.ThrowsAsync<SchemaViolationException>(() => db.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"items": {"fields": {"price": {"kind": "lww", "min": 0}}}}}""")));
        Assert.Equal(position + 1, db.Position);

        // The report follows the data (it is kept between reads only while nothing moves).
        await db.DeleteAsync("items", "typed");
        Assert.Equal(["bad"], (await db.GetSchemaAsync()).Violations.Select(v => v.Id).ToArray());
        await db.PatchAsync("items", "bad", FieldOp.Set("discounted_price", Causeway.Values.Value.Int(1)));
        Assert.Empty((await db.GetSchemaAsync()).Violations);
        Assert.Empty((await db.GetSchemaAsync()).Violations);
        await db.SetSchemaAsync(SchemaJson.Parse("""{"collections": {"items": {"fields": {"price": {"type": "number"}}, "checks": [{"name": "dear", "expr": "price > 10"}]}}}"""));
        Assert.Equal(["bad", "ok"], (await db.GetSchemaAsync()).Violations.Select(v => v.Id).Order().ToArray());
    }

    [Fact]
    public async Task System_collections_are_read_only_to_users()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => db.PutAsync(SystemCollections.Schema, "current", Doc.Of("""{"definition": "{}"}""")));
        Assert.Equal(ErrorCodes.InvalidName, e.Code);
        await Assert.ThrowsAsync<InvalidInputException>(() => db.TransactAsync(tx => { tx.Put("_x", "a", Value.EmptyMap); return Task.CompletedTask; }));
        Assert.Equal(0, db.Position);
    }

    [Fact]
    public async Task Declared_kinds_decide_what_a_plain_value_becomes()
    {
        await using var pair = await TwoReplicas.StartAsync("""{"collections": {"posts": {"fields": {"tags": {"kind": "awset"}, "views": {"kind": "counter"}, "pinned": {"kind": "flag_ew"}}}}}""");
        await pair.A.PutAsync("posts", "p", Doc.Of("""{"tags": ["a"], "views": 1, "pinned": false}"""));
        await pair.SyncAsync();
        // Concurrent read-modify-write of the whole document: set elements and counts merge.
        await pair.A.PutAsync("posts", "p", Doc.Of("""{"tags": ["a", "x"], "views": 2, "pinned": true}"""));
        await pair.B.PutAsync("posts", "p", Doc.Of("""{"tags": ["a", "y"], "views": 3, "pinned": false}"""));
        await pair.SyncAsync();
        foreach (var db in new[] { pair.A, pair.B })
        {
            var doc = (await db.GetAsync("posts", "p"))!;
            Assert.Equal(["a", "x", "y"], doc.Fields.Get("tags")!.AsArray().Select(v => v.AsString()).Order().ToArray());
            Assert.Equal(4, doc.Fields.Get("views")!.AsInt());     // 1 + 1 + 2
            Assert.True(doc.Fields.Get("pinned")!.AsBool());
        }
        var e = await Assert.ThrowsAsync<SchemaViolationException>(() => pair.A.PatchAsync("posts", "p", FieldOp.Increment("tags", 1)));
        Assert.Contains("declared awset", e.Message);
        await Assert.ThrowsAsync<SchemaViolationException>(() => pair.A.PutAsync("posts", "p", Doc.Of("""{"views": "many"}""")));
    }
}
