using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Tests.Queries.Live;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Client;

/// <summary>What every <see cref="IDocumentDatabase"/> does, written once and run against the
/// embedded <see cref="Database"/> (<see cref="EmbeddedDatabaseTests"/>) and against
/// <see cref="Causeway.Client.RemoteDatabase"/> talking to an in-process server
/// (<see cref="RemoteDatabaseTests"/>). Each test starts with an empty database "shop".</summary>
public abstract class DocumentDatabaseContract : IAsyncLifetime
{
    protected IDocumentDatabase Db { get; private set; } = null!;

    /// <summary>Creates a database (already_exists when it does).</summary>
    protected abstract Task<IDocumentDatabase> CreateDatabaseAsync(string name);

    protected abstract Task DropDatabaseAsync(string name);

    protected abstract Task StartAsync();

    protected abstract Task StopAsync();

    public async Task InitializeAsync()
    {
        await StartAsync();
        Db = await CreateDatabaseAsync("shop");
    }

    public Task DisposeAsync() => StopAsync();

    private static Value Json(string json) => ValueJson.Parse(json);

    // ---- documents ----

    [Fact]
    public async Task Put_then_get_gives_the_fields_and_where_they_came_from()
    {
        var fields = Json("""{"total": 12, "price": 2.5, "paid": true, "name": "Ünïcode ✓", "ship": {"city": "Oslo", "zip": "0150"}, "lines": [1, "two", {"three": 3}]}""");
        var write = await Db.PutAsync("orders", "o-1", fields);
        Assert.Equal(1, write.Position);

        var doc = await Db.GetAsync("orders", "o-1");
        Assert.NotNull(doc);
        Assert.Equal(fields, doc.Fields);
        Assert.Equal("orders", doc.Collection);
        Assert.Equal("o-1", doc.Id);
        Assert.Equal(write.Commit, doc.Commit);
        Assert.Equal(write.Position, doc.Position);
        Assert.Equal(Assert.Single((await Db.InfoAsync()).Clock).Key, doc.Origin);
        Assert.True(doc.UpdatedAt > DateTimeOffset.UtcNow.AddMinutes(-5) && doc.UpdatedAt < DateTimeOffset.UtcNow.AddMinutes(5), $"updatedAt {doc.UpdatedAt:O}");
        Assert.Equal(12, doc["total"]!.AsInt());

        // Replacing keeps only the new fields; the reserved ones of a read are accepted and dropped.
        var replaced = await Db.PutAsync("orders", "o-1", Json("""{"total": 13, "_id": "o-1", "_collection": "orders", "_meta": {"position": 1}}"""));
        Assert.Equal(2, replaced.Position);
        Assert.Equal(Json("""{"total": 13}"""), (await Db.GetAsync("orders", "o-1"))!.Fields);
        Assert.Null(await Db.GetAsync("orders", "o-2"));
        Assert.Null(await Db.GetAsync("other", "o-1"));
    }

    [Fact]
    public async Task Ids_may_use_every_allowed_character()
    {
        foreach (var id in new[] { "a:b@c.d_e-f", "...", ".x", "x..", "A-Z_0.9", "did:key:z6Mk@host", new string('x', 256) })
        {
            await Db.PutAsync("c", id, Json($$"""{"id": "{{id}}"}"""));
            Assert.Equal(id, (await Db.GetAsync("c", id))!["id"]!.AsString());
            Assert.Single(await Db.HistoryAsync("c", id));
        }
        Assert.Equal(7, (await Db.InfoAsync()).Documents);
    }

    [Fact]
    public async Task Create_generates_an_id()
    {
        var (id, write) = await Db.CreateAsync("orders", Json("""{"total": 1}"""));
        Assert.True(Guid.TryParse(id, out _), id);
        var doc = await Db.GetAsync("orders", id);
        Assert.Equal(write.Commit, doc!.Commit);
        Assert.Equal(1, doc["total"]!.AsInt());
        var (other, _) = await Db.CreateAsync("orders", Json("""{"total": 2}"""));
        Assert.NotEqual(id, other);
    }

    [Fact]
    public async Task Patch_applies_field_operations()
    {
        await Db.PutAsync("p", "1", Json("""{"name": "lamp", "ship": {"city": "Oslo"}}"""));
        var write = await Db.PatchAsync("p", "1", FieldOp.Set("ship.city", Value.String("Bergen")), FieldOp.Increment("sold", 5),
            FieldOp.Add("tags", Value.String("sale")), FieldOp.Add("tags", Value.String("new")), FieldOp.Enable("live"), FieldOp.Unset("name"));
        Assert.Equal(2, write.Position);
        await Db.PatchAsync("p", "1", [FieldOp.Increment("sold", -2), FieldOp.Remove("tags", Value.String("new"))], CancellationToken.None);
        var doc = await Db.GetAsync("p", "1");
        Assert.Equal(Json("""{"ship": {"city": "Bergen"}, "sold": 3, "tags": ["sale"], "live": true}"""), doc!.Fields);
        Assert.Equal(3, doc.Position);
    }

    [Fact]
    public async Task Delete_removes_and_a_second_delete_is_not_found()
    {
        await Db.PutAsync("c", "d", Json("""{"a": 1}"""));
        var write = await Db.DeleteAsync("c", "d");
        Assert.Equal(2, write.Position);
        Assert.Null(await Db.GetAsync("c", "d"));
        var e = await Assert.ThrowsAsync<NotFoundException>(() => Db.DeleteAsync("c", "d"));
        Assert.Equal(ErrorCodes.NotFound, e.Code);
        var history = await Db.HistoryAsync("c", "d");
        Assert.Equal([false, true], history.Select(v => v.Deleted));
        // A deleted document can be put again.
        await Db.PutAsync("c", "d", Json("""{"a": 2}"""));
        Assert.Equal(2, (await Db.GetAsync("c", "d"))!["a"]!.AsInt());
    }

    // ---- values ----

    /// <summary>Every value kind, at its edges.</summary>
    private static readonly Value EveryKind = Value.Map([
        new("null", Value.Null), new("yes", Value.True), new("no", Value.False),
        new("int", Value.Int(34)), new("intMin", Value.Int(long.MinValue)), new("intMax", Value.Int(long.MaxValue)), new("intZero", Value.Int(0)),
        new("double", Value.Double(34.0)), new("negativeZero", Value.Double(-0.0)), new("zero", Value.Double(0.0)), new("huge", Value.Double(1e300)),
        new("doubleMax", Value.Double(double.MaxValue)), new("doubleMin", Value.Double(double.MinValue)), new("epsilon", Value.Double(double.Epsilon)),
        new("fraction", Value.Double(0.1)), new("past2e53", Value.Double(1e16)), new("small", Value.Double(-2.5e-7)),
        new("decimal", Value.Decimal(1.50m)), new("decimalWhole", Value.Decimal(100m)), new("decimalZeros", Value.Decimal(0.000m)),
        new("decimalScale28", Value.Decimal(0.0000000000000000000000000001m)), new("decimalDigits", Value.Decimal(-7.9228162514264337593543950335m)),
        new("decimalMax", Value.Decimal(decimal.MaxValue)), new("decimalMin", Value.Decimal(decimal.MinValue)),
        new("text", Value.String("Ünïcode ✓ 😀 \u0000 \"quoted\" \\ / \n\t")), new("empty", Value.String("")),
        new("looksTyped", Value.String("{\"$decimal\": \"1.50\"}")), new("looksLikeTime", Value.String("2026-01-02T03:04:05Z")), new("looksLikeBytes", Value.String("AQID")),
        new("bytes", Value.Bytes([0, 1, 254, 255])), new("noBytes", Value.Bytes([])),
        new("time", Value.Timestamp(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9990))),
        new("beforeEpoch", Value.TimestampFromMicros(-1)),
        new("timeMin", Value.Timestamp(DateTimeOffset.MinValue)), new("timeMax", Value.TimestampFromMicros((DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10)),
        new("array", Value.Array([Value.Int(1), Value.Double(1.0), Value.Decimal(1.0m), Value.String("1"), Value.Null, Value.Array([]),
            Value.Bytes([7]), Value.TimestampFromMicros(0), Value.Map([new("inArray", Value.Decimal(2.50m))])])),
        new("emptyArray", Value.Array([])),
        new("nested", Value.Map([new("deeper", Value.Map([new("time", Value.TimestampFromMicros(1)), new("decimal", Value.Decimal(-0.001m)),
            new("bytes", Value.Bytes([9, 9])), new("list", Value.Array([Value.Double(2.0), Value.Int(2)])), new("double", Value.Double(-1.0))]))])),
    ]);

    private static void AssertSameFields(Value expected, Value actual)
    {
        var problems = expected.AsMap().Select(e => (e.Key, Expected: e.Value, Actual: actual.Get(e.Key)))
            .Where(f => f.Actual is null || !f.Expected.Equals(f.Actual))
            .Select(f => $"{f.Key}: wrote {f.Expected.Kind} {f.Expected}, read {f.Actual?.Kind.ToString() ?? "nothing"} {f.Actual}")
            .Concat(actual.AsMap().Where(f => expected.Get(f.Key) is null).Select(f => $"{f.Key}: read but not written"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_value_kind_reads_back_as_itself_and_writes_back_unchanged()
    {
        var write = await Db.PutAsync("kinds", "all", EveryKind);
        var doc = (await Db.GetAsync("kinds", "all"))!;
        AssertSameFields(EveryKind, doc.Fields);
        Assert.Equal(34.0, doc["double"]!.AsDouble());
        Assert.Equal(34, doc["int"]!.AsInt());
        Assert.Equal(2, doc["decimal"]!.AsDecimal().Scale);
        Assert.True(double.IsNegative(doc["negativeZero"]!.AsDouble()));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9990), doc["time"]!.AsTimestamp());
        Assert.Equal([0, 1, 254, 255], doc["bytes"]!.AsBytes().ToArray());

        // What was written is what the history says was set, kind for kind.
        var history = await Db.HistoryAsync("kinds", "all");
        var sets = history[0].Changes.Where(c => c.Op == "set" && c.Path is not null && !c.Path.Contains('.')).ToList();
        Assert.NotEmpty(sets);
        foreach (var set in sets) Assert.True(EveryKind.Get(set.Path!)!.Equals(set.Value), $"history of {set.Path}: {set.Value}");

        // The document read goes back as it is and changes no field.
        await Db.PutAsync("kinds", "all", doc.Fields);
        history = await Db.HistoryAsync("kinds", "all");
        var changed = history.Where(v => v.Position > write.Position).SelectMany(v => v.Changes).Where(c => c.Path is not null).ToList();
        Assert.True(changed.Count == 0, string.Join("\n", changed));
        AssertSameFields(EveryKind, (await Db.GetAsync("kinds", "all"))!.Fields);

        // A query finds the document by each value, and answers it with every kind intact.
        foreach (var (name, value) in EveryKind.AsMap())
        {
            var page = await Db.QueryAsync(Query.In("kinds").Where(Pred.Eq(name, value)));
            AssertSameFields(EveryKind, Assert.Single(page.Documents).Fields);
        }
    }

    [Fact]
    public async Task Every_value_kind_travels_in_patches_and_transactions()
    {
        await Db.PutAsync("kinds", "p", Value.EmptyMap);
        var fields = EveryKind.AsMap();
        await Db.PatchAsync("kinds", "p", [.. fields.Select(f => FieldOp.Set(f.Key, f.Value))], CancellationToken.None);
        AssertSameFields(EveryKind, (await Db.GetAsync("kinds", "p"))!.Fields);
        await Db.TransactAsync(tx => tx.Put("kinds", "tx", EveryKind));
        AssertSameFields(EveryKind, (await Db.GetAsync("kinds", "tx"))!.Fields);
        // Set elements keep their kinds too: 1, 1.0 and 1.0m are three elements.
        await Db.PatchAsync("kinds", "p", FieldOp.Add("set", Value.Int(1)), FieldOp.Add("set", Value.Double(1.0)), FieldOp.Add("set", Value.Decimal(1.0m)));
        var set = (await Db.GetAsync("kinds", "p"))!["set"]!.AsArray();
        Assert.Equal([ValueKind.Int, ValueKind.Double, ValueKind.Decimal], set.Select(v => v.Kind).Order());
    }

    [Fact]
    public async Task Generated_values_of_every_kind_read_back_as_themselves()
        => await Support.ValueGen.Document.SampleAsync(async fields =>
        {
            await Db.PutAsync("gen", "d", fields);
            AssertSameFields(fields, (await Db.GetAsync("gen", "d"))!.Fields);
        }, iter: 60, threads: 1, print: fields => fields.ToString());

    // ---- conditional writes ----

    [Fact]
    public async Task A_conditional_write_applies_only_while_the_document_is_at_the_version_read()
    {
        var created = await Db.PutAsync("forms", "f", Json("""{"title": "a"}"""), WriteCondition.IfAbsent);
        var read = (await Db.GetAsync("forms", "f"))!;
        Assert.Equal(created.Commit, read.Commit);
        var e = await Assert.ThrowsAsync<PreconditionFailedException>(() => Db.PutAsync("forms", "f", Json("{}"), WriteCondition.IfAbsent));
        Assert.Equal(ErrorCodes.PreconditionFailed, e.Code);
        Assert.Equal($"Document forms/f exists, at version {created.Commit}; the write was to create it only.", e.Message);

        // Someone else saves first, with the version they read.
        var version = read.Commit!.Value;
        var theirs = await Db.PatchAsync("forms", "f", WriteCondition.IfVersion(version), FieldOp.Set("title", Value.String("theirs")));
        Assert.Equal(theirs.Commit, (await Db.GetAsync("forms", "f"))!.Commit);

        // A form still holding the old version is refused whatever it writes, and nothing is written.
        long position = (await Db.InfoAsync()).Position;
        var stale = WriteCondition.IfVersion(version);
        e = await Assert.ThrowsAsync<PreconditionFailedException>(() => Db.PutAsync("forms", "f", Json("""{"title": "mine"}"""), stale));
        Assert.Equal($"Document forms/f is at version {theirs.Commit}, not version {version}: it changed since.", e.Message);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Db.PatchAsync("forms", "f", [FieldOp.Set("title", Value.String("mine"))], stale));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Db.DeleteAsync("forms", "f", stale, CancellationToken.None));
        Assert.Equal(position, (await Db.InfoAsync()).Position);
        Assert.Equal("theirs", (await Db.GetAsync("forms", "f"))!["title"]!.AsString());

        // Any of several versions will do; IfExists needs only the document.
        await Db.PutAsync("forms", "f", Json("""{"title": "mine"}"""), WriteCondition.IfVersion(version, theirs.Commit));
        await Db.DeleteAsync("forms", "f", WriteCondition.IfExists);
        e = await Assert.ThrowsAsync<PreconditionFailedException>(() => Db.PatchAsync("forms", "f", WriteCondition.IfExists, FieldOp.Set("a", Value.Int(1))));
        Assert.Equal("Document forms/f does not exist; the write required it to.", e.Message);

        // A deleted document does not exist, so create-only applies to it; create-only is for puts.
        await Db.PutAsync("forms", "f", new { title = "again" }, WriteCondition.IfAbsent);
        Assert.Equal("again", (await Db.GetAsync("forms", "f"))!["title"]!.AsString());
        Assert.Equal(ErrorCodes.InvalidValue, (await Assert.ThrowsAsync<InvalidInputException>(() => Db.DeleteAsync("forms", "f", WriteCondition.IfAbsent))).Code);
        await Db.DeleteAsync("forms", "f", condition: null);
    }

    [Fact]
    public async Task Of_concurrent_writes_conditional_on_one_version_exactly_one_applies()
    {
        var version = (await Db.PutAsync("c", "d", Value.EmptyMap)).Commit;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                await Db.PatchAsync("c", "d", WriteCondition.IfVersion(version), FieldOp.Increment("n", 1));
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        }));
        Assert.Single(outcomes, won => won);
        Assert.Equal(1, (await Db.GetAsync("c", "d"))!["n"]!.AsInt());
        Assert.Equal(2, (await Db.InfoAsync()).Commits);
    }

    // ---- history and the past ----

    [Fact]
    public async Task History_is_oldest_first_and_at_reads_the_past_by_position_commit_and_time()
    {
        var w1 = await Db.PutAsync("c", "d", Json("""{"v": 1}"""));
        var t1 = (await Db.GetAsync("c", "d"))!.UpdatedAt;
        await Task.Delay(30); // reads at a time resolve to the millisecond
        await Db.PutAsync("other", "x", Json("""{"unrelated": true}"""));
        var w2 = await Db.PatchAsync("c", "d", FieldOp.Set("v", Value.Int(2)), FieldOp.Increment("n", 1));
        var w3 = await Db.PutAsync("c", "d", Json("""{"v": 3}"""));

        var history = await Db.HistoryAsync("c", "d");
        Assert.Equal([w1.Position, w2.Position, w3.Position], history.Select(v => v.Position));
        Assert.Equal([w1.Commit, w2.Commit, w3.Commit], history.Select(v => v.Commit));
        Assert.All(history, v => Assert.False(v.Deleted));
        Assert.Equal(t1, history[0].Time);
        Assert.Contains(new FieldChange("set", "v", Value.Int(2)), history[1].Changes);
        Assert.Contains(history[1].Changes, c => c.Op == "increment" && c.Path == "n");

        Assert.Equal(1, (await Db.GetAsync("c", "d", ReadPoint.AtPosition(w1.Position)))!["v"]!.AsInt());
        Assert.Equal(1, (await Db.GetAsync("c", "d", ReadPoint.AtPosition(w2.Position - 1)))!["v"]!.AsInt());
        Assert.Equal(2, (await Db.GetAsync("c", "d", ReadPoint.AtCommit(w2.Commit)))!["v"]!.AsInt());
        Assert.Equal(1, (await Db.GetAsync("c", "d", ReadPoint.AtTime(t1)))!["v"]!.AsInt());
        Assert.Equal(3, (await Db.GetAsync("c", "d", ReadPoint.Latest))!["v"]!.AsInt());
        Assert.Null(await Db.GetAsync("c", "d", ReadPoint.AtPosition(0)));
        Assert.Null(await Db.GetAsync("c", "d", ReadPoint.AtTime(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        var past = await Db.GetAsync("c", "d", ReadPoint.AtCommit(w1.Commit));
        Assert.Equal(w1.Commit, past!.Commit);
        Assert.Equal(w1.Position, past.Position);

        Assert.Equal(2, (await Db.HistoryAsync("c", "d", ReadPoint.AtCommit(w2.Commit))).Count);
        Assert.Empty(await Db.HistoryAsync("c", "never"));
    }

    // ---- transactions ----

    [Fact]
    public async Task A_transaction_is_one_commit_with_the_created_ids()
    {
        await Db.PutAsync("acct", "a", Json("""{"balance": 10}"""));
        await Db.PutAsync("acct", "old", Json("""{"balance": 0}"""));
        long before = (await Db.InfoAsync()).Position;

        var result = await Db.TransactAsync(tx =>
        {
            tx.Patch("acct", "a", FieldOp.Set("balance", Value.Int(6)));
            tx.Put("acct", "b", Json("""{"balance": 4}"""));
            tx.Create("log", Json("""{"what": "moved 4"}"""));
            tx.Create("log", Json("""{"what": "closed old"}"""));
            tx.Delete("acct", "old");
        });

        Assert.Equal(before + 1, result.Position);
        Assert.Equal(2, result.Created.Count);
        Assert.Equal(6, (await Db.GetAsync("acct", "a"))!["balance"]!.AsInt());
        Assert.Equal(result.Commit, (await Db.GetAsync("acct", "b"))!.Commit);
        Assert.Equal("moved 4", (await Db.GetAsync("log", result.Created[0]))!["what"]!.AsString());
        Assert.Equal("closed old", (await Db.GetAsync("log", result.Created[1]))!["what"]!.AsString());
        Assert.Null(await Db.GetAsync("acct", "old"));
        var change = Assert.Single(await Db.ChangesAsync(before).ToListAsync());
        Assert.Equal(5, change.Documents.Count);
        Assert.Contains(change.Documents, d => d is { Collection: "acct", Id: "old", Deleted: true });
    }

    [Fact]
    public async Task A_failed_transaction_writes_nothing()
    {
        await Db.PutAsync("c", "keep", Json("""{"v": 1}"""));
        await Db.PatchAsync("c", "keep", FieldOp.Add("tags", Value.String("x")));
        var before = await Db.InfoAsync();

        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Db.TransactAsync(tx =>
        {
            tx.Patch("c", "keep", FieldOp.Set("v", Value.Int(2)));
            tx.Put("c", "new", Json("""{"x": 1}"""));
            tx.Create("c", Json("""{"x": 2}"""));
            tx.Patch("c", "missing", FieldOp.Set("v", Value.Int(3)));
        }));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        var mismatch = await Assert.ThrowsAsync<TypeMismatchException>(() => Db.TransactAsync(tx =>
        {
            tx.Put("c", "new", Json("""{"x": 1}"""));
            tx.Patch("c", "keep", FieldOp.Increment("tags", 1));
        }));
        Assert.Equal(ErrorCodes.TypeMismatch, mismatch.Code);
        var badName = await Assert.ThrowsAsync<InvalidInputException>(() => Db.TransactAsync(tx =>
        {
            tx.Put("c", "new", Json("""{"x": 1}"""));
            tx.Delete("c", "no spaces");
        }));
        Assert.Equal(ErrorCodes.InvalidName, badName.Code);
        var empty = await Assert.ThrowsAsync<InvalidInputException>(() => Db.TransactAsync(_ => { }));
        Assert.Equal(ErrorCodes.InvalidOp, empty.Code);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.TransactAsync(tx =>
        {
            tx.Put("c", "new", Json("""{"x": 1}"""));
            throw new InvalidOperationException("the application changed its mind");
        }));

        var after = await Db.InfoAsync();
        Assert.Equal(before.Position, after.Position);
        Assert.Equal(before.Heads, after.Heads);
        Assert.Equal(before.Documents, after.Documents);
        Assert.Equal(1, (await Db.GetAsync("c", "keep"))!["v"]!.AsInt());
        Assert.Null(await Db.GetAsync("c", "new"));
        Assert.Empty(await Db.HistoryAsync("c", "new"));
    }

    // ---- changes ----

    [Fact]
    public async Task Changes_list_every_commit_after_a_position()
    {
        for (int i = 1; i <= 7; i++) await Db.PutAsync("c", $"d{i}", Json($$"""{"i": {{i}}}"""));
        await Db.DeleteAsync("c", "d1");

        var all = await Db.ChangesAsync().ToListAsync();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), all.Select(c => c.Position));
        Assert.Equal(new ChangedDocumentView("c", "d3", false), View(all[2]));
        Assert.Equal(new ChangedDocumentView("c", "d1", true), View(all[7]));
        var info = await Db.InfoAsync();
        Assert.Equal(all[^1].Commit, Assert.Single(info.Heads));
        Assert.All(all, c => Assert.Equal(info.Clock.Keys.Single(), c.Origin));

        var tail = await Db.ChangesAsync(since: 5).ToListAsync();
        Assert.Equal([6L, 7L, 8L], tail.Select(c => c.Position));
        Assert.Equal(all[5], tail[0], ChangeComparer.Instance);
        Assert.Empty(await Db.ChangesAsync(since: 8).ToListAsync());

        var beyond = await Assert.ThrowsAsync<InvalidInputException>(async () => await Db.ChangesAsync(since: 9).ToListAsync());
        Assert.Equal(ErrorCodes.InvalidCursor, beyond.Code);
        var negative = await Assert.ThrowsAsync<InvalidInputException>(async () => await Db.ChangesAsync(since: -1).ToListAsync());
        Assert.Equal(ErrorCodes.InvalidCursor, negative.Code);
    }

    [Fact]
    public async Task Following_changes_replays_then_yields_new_commits_as_they_arrive()
    {
        await Db.PutAsync("c", "before", Json("""{"n": 0}"""));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<Change>();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            await foreach (var change in Db.ChangesAsync(since: 0, follow: true, cts.Token))
            {
                received.Add(change);
                firstSeen.TrySetResult();
                if (received.Count == 4) break;
            }
        });
        await firstSeen.Task.WaitAsync(cts.Token);
        await Db.PutAsync("c", "live-1", Json("""{"n": 1}"""));
        await Db.PatchAsync("c", "live-1", FieldOp.Set("n", Value.Int(2)));
        await Db.TransactAsync(tx => { tx.Put("c", "live-2", Json("""{"n": 2}""")); tx.Delete("c", "before"); });
        await reader.WaitAsync(cts.Token);

        Assert.Equal([1L, 2L, 3L, 4L], received.Select(c => c.Position));
        Assert.Equal(["before", "live-1", "live-1", "live-2"], received.Select(c => c.Documents[0].Id));
        Assert.Equal(2, received[3].Documents.Count);
        Assert.Equal(await Db.ChangesAsync().ToListAsync(), received, ChangeComparer.Instance);
    }

    [Fact]
    public async Task Following_stops_when_cancelled_and_ends_when_the_database_is_dropped()
    {
        using (var cts = new CancellationTokenSource())
        {
            var waiting = Task.Run(async () => { await foreach (var _ in Db.ChangesAsync(0, follow: true, cts.Token)) { } });
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            cts.Cancel();
            try { await waiting.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (OperationCanceledException) { }
        }

        var scratch = await CreateDatabaseAsync("scratch");
        await scratch.PutAsync("c", "d", Json("""{"a": 1}"""));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<long>();
        var following = Task.Run(async () => { await foreach (var change in scratch.ChangesAsync(0, follow: true, timeout.Token)) lock (seen) seen.Add(change.Position); });
        // Following for sure (it has seen the one change there is) before the drop, rather than after a sleep.
        await Support.Deadline.UntilAsync(() => { lock (seen) return seen.Count > 0 || following.IsCompleted; }, TimeSpan.FromSeconds(20), () => "the follower saw the first change");
        Assert.False(following.IsCompleted, "the follower ended before the database was dropped");
        await DropDatabaseAsync("scratch");
        await following.WaitAsync(timeout.Token);
        lock (seen) Assert.Equal([1L], seen);
    }

    // ---- live queries ----

    [Fact]
    public async Task A_live_query_gives_its_snapshot_then_a_delta_per_commit_that_changes_it()
    {
        await Db.PutAsync("orders", "o1", Json("""{"status": "paid", "total": 10}"""));
        await Db.PutAsync("orders", "o2", Json("""{"status": "open", "total": 20}"""));
        var paid = Query.In("orders").Where(Pred.Eq("status", Value.String("paid")));
        long snapshotAt;
        await using (var live = new LiveEvents(Db, paid))
        {
            var snapshot = await live.NextAsync();
            Assert.Equal(LiveQueryEventKind.Snapshot, snapshot.Kind);
            Assert.Equal(2, snapshot.Position);
            Assert.Equal(["o1"], snapshot.Entered.Select(d => d.Id));
            Assert.Equal((await Db.GetAsync("orders", "o1"))!.ToJson(), snapshot.Entered[0].ToJson());
            snapshotAt = snapshot.Position;

            var put = await Db.PutAsync("orders", "o3", Json("""{"status": "paid", "total": 30, "price": {"$decimal": "1.50"}}"""));
            var entered = await live.NextAsync();
            Assert.Equal((LiveQueryEventKind.Delta, put.Position, (Cid?)put.Commit, true), (entered.Kind, entered.Position, entered.Commit, entered.Local));
            Assert.Equal(Assert.Single((await Db.InfoAsync()).Clock).Key, entered.Origin);
            Assert.Equal(Value.Decimal(1.50m), entered.Entered[0]["price"]);

            await Db.PutAsync("orders", "o2", Json("""{"status": "open", "total": 21}"""));   // no change to the result
            await Db.PatchAsync("orders", "o1", FieldOp.Set("total", Value.Int(11)));
            Assert.Equal(["o1"], (await live.NextAsync()).Changed.Select(d => d.Id));
            await Db.DeleteAsync("orders", "o3");
            Assert.Equal(["o3"], (await live.NextAsync()).Left);
        }

        // From a position seen before: no snapshot, the deltas after it.
        await using var resumed = new LiveEvents(Db, paid, since: snapshotAt);
        var again = await resumed.NextAsync();
        Assert.Equal((LiveQueryEventKind.Delta, snapshotAt + 1), (again.Kind, again.Position));
        Assert.Equal(["o3"], again.Entered.Select(d => d.Id));
        Assert.Equal(["o1"], (await resumed.NextAsync()).Changed.Select(d => d.Id));
        Assert.Equal(["o3"], (await resumed.NextAsync()).Left);
    }

    [Fact]
    public async Task Explain_and_count_say_how_a_query_ran_and_how_many_match()
    {
        for (int i = 0; i < 6; i++) await Db.PutAsync("orders", $"o-{i}", Json($$"""{"status": "{{(i % 2 == 0 ? "paid" : "new")}}", "total": {{i}}}"""));
        var query = Causeway.Queries.Query.In("orders").Where(Causeway.Queries.Pred.Eq("status", Value.String("paid"))).Take(2);
        var page = await Db.QueryAsync(query, explain: true);
        Assert.Equal(["o-0", "o-2"], page.Documents.Select(d => d.Id));
        Assert.Equal("index", page.Plan!.Access);
        Assert.Equal(2, page.Plan.ReturnedRows);
        Assert.Equal((await Db.InfoAsync()).Position, page.Position);
        Assert.Null((await Db.QueryAsync(query)).Plan);
        var count = await Db.CountAsync(query);
        Assert.Equal(3, count.Count);
        Assert.Equal(page.Position, count.Position);
    }

    [Fact]
    public async Task A_live_query_refuses_bad_input()
    {
        await Db.PutAsync("c", "a", Json("{}"));
        await Db.PutAsync("c", "b", Json("{}"));
        var page = await Db.QueryAsync(Query.In("c").Take(1));
        async Task<string> Refused(Query query, long? since = null)
            => (await Assert.ThrowsAsync<InvalidInputException>(async () => { await foreach (var _ in Db.LiveQueryAsync(query, since)) break; })).Code;
        Assert.Equal(ErrorCodes.InvalidCursor, await Refused(Query.In("c").After(page.Next)));
        Assert.Equal(ErrorCodes.InvalidCursor, await Refused(Query.In("c"), since: 3));
        Assert.Equal(ErrorCodes.InvalidAt, await Refused(Query.In("c").At(ReadPoint.AtPosition(7))));
    }

    [Fact]
    public async Task A_live_query_ends_when_the_database_is_dropped()
    {
        var scratch = await CreateDatabaseAsync("scratch");
        await scratch.PutAsync("c", "d", Json("""{"a": 1}"""));
        await using var live = new LiveEvents(scratch, Query.In("c"));
        await live.NextAsync();
        live.Ask();
        await scratch.PutAsync("c", "e", Json("""{"a": 2}"""));
        Assert.Equal(["e"], (await live.NextAsync()).Entered.Select(d => d.Id));
        await DropDatabaseAsync("scratch");
        await live.EndsAsync();
    }

    // ---- info and verify ----

    [Fact]
    public async Task Info_and_verify()
    {
        var empty = await Db.InfoAsync();
        Assert.Equal("shop", empty.Name);
        Assert.Equal("shop", Db.Name);
        Assert.Equal((0L, 0L, 0L), (empty.Documents, empty.Commits, empty.Position));
        Assert.Empty(empty.Heads);

        await Db.PutAsync("c", "a", Json("""{"a": 1}"""));
        await Db.PutAsync("c", "b", Json("""{"b": 1}"""));
        var last = await Db.DeleteAsync("c", "a");
        var info = await Db.InfoAsync();
        Assert.Equal((1L, 3L, 3L), (info.Documents, info.Commits, info.Position));
        Assert.Equal([last.Commit], info.Heads);
        Assert.Equal(3, Assert.Single(info.Clock).Value);

        var report = await Db.VerifyAsync();
        Assert.True(report.Ok);
        Assert.Equal(3, report.Commits);
        Assert.Empty(report.Problems);
    }

    // ---- errors: the same type and code on both sides ----

    [Fact]
    public async Task Not_found()
    {
        await Db.PutAsync("c", "d", Json("""{"a": 1}"""));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => Db.PatchAsync("c", "missing", FieldOp.Set("a", Value.Int(1))));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => Db.DeleteAsync("c", "missing"));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => Db.DeleteAsync("missing", "d"));

        var gone = await CreateDatabaseAsync("gone");
        await gone.PutAsync("c", "d", Json("""{"a": 1}"""));
        await DropDatabaseAsync("gone");
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => gone.GetAsync("c", "d"));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => gone.PutAsync("c", "d", Json("{}")));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => gone.HistoryAsync("c", "d"));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => gone.InfoAsync());
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => gone.TransactAsync(tx => tx.Put("c", "e", Json("{}"))));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, async () => await gone.ChangesAsync().ToListAsync());
    }

    [Fact]
    public async Task Type_mismatch()
    {
        await Db.PutAsync("p", "1", Json("""{"name": "lamp", "n": 1}"""));
        await Db.PatchAsync("p", "1", FieldOp.Add("tags", Value.String("a")));
        await AssertError<TypeMismatchException>(ErrorCodes.TypeMismatch, () => Db.PatchAsync("p", "1", FieldOp.Increment("tags", 1)));
        await AssertError<TypeMismatchException>(ErrorCodes.TypeMismatch, () => Db.PatchAsync("p", "1", FieldOp.Set("n.deeper", Value.Int(2))));
        await AssertError<TypeMismatchException>(ErrorCodes.TypeMismatch, () => Db.PatchAsync("p", "1", FieldOp.Add("name", Value.Int(2))));
        Assert.Equal(2, (await Db.InfoAsync()).Position);
    }

    [Fact]
    public async Task Invalid_name()
    {
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.PutAsync("no spaces", "d", Json("{}")));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.PutAsync("c", "a/b", Json("{}")));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.PutAsync("c", "", Json("{}")));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.GetAsync("c", "q?x=1"));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.GetAsync("c", new string('x', 257)));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.CreateAsync("c/d", Json("{}")));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.PatchAsync("c", "#", FieldOp.Set("a", Value.Int(1))));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.DeleteAsync("..", "d"));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.HistoryAsync("c", "%2F"));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => CreateDatabaseAsync("Shop"));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => CreateDatabaseAsync("a..b"));
        Assert.Equal(0, (await Db.InfoAsync()).Position);
    }

    [Fact]
    public async Task Invalid_at()
    {
        var write = await Db.PutAsync("c", "d", Json("""{"a": 1}"""));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidAt, () => Db.GetAsync("c", "d", ReadPoint.AtPosition(2)));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidAt, () => Db.HistoryAsync("c", "d", ReadPoint.AtPosition(long.MaxValue)));
        var elsewhere = Cid.ForDagCbor([0xa0]);
        Assert.NotEqual(write.Commit, elsewhere);
        await AssertError<InvalidInputException>(ErrorCodes.InvalidAt, () => Db.GetAsync("c", "d", ReadPoint.AtCommit(elsewhere)));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidAt, () => Db.HistoryAsync("c", "d", ReadPoint.AtCommit(elsewhere)));
    }

    [Fact]
    public async Task Already_exists()
    {
        await AssertError<AlreadyExistsException>(ErrorCodes.AlreadyExists, () => CreateDatabaseAsync("shop"));
        await CreateDatabaseAsync("shop.eu");
        await AssertError<AlreadyExistsException>(ErrorCodes.AlreadyExists, () => CreateDatabaseAsync("shop.eu"));
        await AssertError<NotFoundException>(ErrorCodes.NotFound, () => CreateDatabaseAsync("nowhere.eu"));
    }

    [Fact]
    public async Task Invalid_op_and_invalid_json()
    {
        await Db.PutAsync("c", "d", Json("""{"a": 1}"""));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidOp, () => Db.PatchAsync("c", "d", Array.Empty<FieldOp>(), CancellationToken.None));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidJson, () => Db.PutAsync("c", "d", Value.Int(5)));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidJson, () => Db.CreateAsync("c", Value.Array([Value.Int(1)])));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidPath, () => Db.PutAsync("c", "d", Value.Map([new("a", Value.Map([new("", Value.Int(1))]))])));
        Assert.Equal(1, (await Db.InfoAsync()).Position);
    }

    // ---- schemas ----

    [Fact]
    public async Task A_schema_reports_what_breaks_it_then_keeps_every_constraint_and_hands_out_ranges()
    {
        await Db.PutAsync("players", "a", Json("""{"name": "Ann"}"""));
        await Db.PutAsync("players", "b", Json("""{"name": "Ann"}"""));
        var info = await Db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse(Invariants.SchemaTests.Exchange));
        Assert.Equal(1, info.Version.Version);
        Assert.Contains(info.Violations, v => v.Collection == "players" && v.Id is "a" or "b");
        Assert.Contains(info.Analysis.Constraints, c => c.Technique == Causeway.Schemas.SchemaAnalyzer.Reservation);
        string home = info.Schema.Home!;
        Assert.Equal(info.Version.Commit, (await Db.GetSchemaAsync()).Version.Commit);

        // Each kind of constraint refuses what breaks it, with the same typed error on both sides.
        await Db.DeleteAsync("players", "b");
        await AssertError<ConstraintViolationException>(ErrorCodes.ConstraintViolation, () => Db.PutAsync("players", "c", Json("""{"name": "Ann"}""")));
        await AssertError<SchemaViolationException>(ErrorCodes.SchemaViolation, () => Db.PutAsync("players", "c", Json("""{"credits": 1}""")));
        var (p, _) = await Db.CreateAsync("players", Json("""{"name": "Bo", "credits": 2}"""));
        // 2 credits never pay 3, whoever holds the rights: a constraint violation, not a wait for rights.
        await AssertError<ConstraintViolationException>(ErrorCodes.ConstraintViolation, () => Db.PatchAsync("players", p, FieldOp.Increment("credits", -3)));
        await AssertError<ConstraintViolationException>(ErrorCodes.ConstraintViolation, () => Db.PutAsync("items", "i", Json($$"""{"owner": "{{p}}", "price": 5, "discounted_price": 6}""")));
        await AssertError<ConstraintViolationException>(ErrorCodes.ConstraintViolation, () => Db.PutAsync("items", "i", Json("""{"owner": "ghost", "price": 5}""")));
        await Db.PutAsync("items", "i", Json($$"""{"owner": "{{p}}", "price": 5, "discounted_price": 4}"""));
        var (first, _) = await Db.CreateAsync("purchases", Json("""{"item": "i"}"""));
        var (second, _) = await Db.CreateAsync("purchases", Json("""{"item": "i"}"""));
        Assert.Equal(long.Parse(first) + 1, long.Parse(second));

        // Ranges of the name space go to another replica; a malformed hand-out changes nothing.
        string other = Causeway.Security.ReplicaIdentity.FromSeed(new byte[32]).Did;
        Assert.NotEqual(home, other);
        var handed = await Db.HandOutValueRangeAsync("players", ["name"], "0-7", other);
        Assert.Equal((await Db.InfoAsync()).Position, handed.Position);
        await AssertError<InvalidInputException>(ErrorCodes.InvalidValue, () => Db.HandOutValueRangeAsync("players", ["name"], "x", other));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidValue, () => Db.HandOutValueRangeAsync("players", ["credits"], "0", other));
        Assert.Equal(handed.Position, (await Db.InfoAsync()).Position);
    }

    // ---- stored functions ----

    private static readonly Causeway.Functions.ArgumentShape PurchaseArgs = new(new Dictionary<string, string> { ["item"] = "string", ["player"] = "string" });

    /// <summary>The shop of the function tests: Ann with 100 credits, a cat at 30 with two in stock, and
    /// <c>purchase</c> (Functions/StoredFunctionTests).</summary>
    private async Task<Causeway.Functions.FunctionInfo> DefinePurchaseAsync()
    {
        await Db.SetSchemaAsync(Causeway.Schemas.SchemaJson.Parse("""
            { "collections": {
                "items": { "fields": { "stock": { "kind": "bcounter", "min": 0 } } },
                "players": { "fields": { "credits": { "kind": "counter" }, "owns": { "kind": "awset" } } } } }
            """));
        await Db.PutAsync("items", "cat", Json("""{"price": 30, "stock": 2}"""));
        await Db.PutAsync("players", "ann", Json("""{"credits": 100}"""));
        return await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("purchase", Functions.StoredFunctionTests.Purchase, Functions.StoredFunctionTests.PurchaseRole, PurchaseArgs));
    }

    private static void AssertSameDefinition(Causeway.Functions.FunctionDefinition expected, Causeway.Functions.FunctionDefinition actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Role, actual.Role);
        Assert.Equal(expected.Arguments?.Members, actual.Arguments?.Members);
    }

    private sealed record Receipt(int Paid, int Left);

    private sealed record Order(string Item, string Player);

    private sealed record JsonPrice(int Price, double Half);

    [Fact]
    public async Task Functions_are_defined_read_listed_and_deleted()
    {
        var purchase = await DefinePurchaseAsync();
        Assert.Equal("purchase", purchase.Name);
        Assert.Equal((await Db.InfoAsync()).Position, purchase.Position);
        Assert.False(string.IsNullOrEmpty(purchase.Definer));
        var read = await Db.GetFunctionAsync("purchase");
        Assert.NotNull(read);
        AssertSameDefinition(purchase.Definition, read.Definition);
        Assert.Equal((purchase.Definer, purchase.Commit, purchase.Position), (read.Definer, read.Commit, read.Position));
        Assert.Null(await Db.GetFunctionAsync("nothing"));

        // No role and no argument shape: it reads and writes nothing and takes any argument.
        var echo = await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("echo", "function (a) { return a; }", []));
        Assert.Empty(echo.Definition.Role);
        Assert.Null(echo.Definition.Arguments);
        var replaced = await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("echo", "function (a) { return [a]; }", []));
        Assert.Equal(echo.Position + 1, replaced.Position);
        var listed = await Db.ListFunctionsAsync();
        Assert.Equal(["echo", "purchase"], listed.Select(f => f.Name));
        AssertSameDefinition(replaced.Definition, listed[0].Definition);
        Assert.Equal(replaced.Commit, listed[0].Commit);

        var deleted = await Db.DeleteFunctionAsync("echo");
        Assert.Equal(replaced.Position + 1, deleted.Position);
        Assert.Null(await Db.GetFunctionAsync("echo"));
        Assert.Equal(["purchase"], (await Db.ListFunctionsAsync()).Select(f => f.Name));
        var again = await AssertError<NotFoundException>(ErrorCodes.NotFound, () => Db.DeleteFunctionAsync("echo"));
        Assert.Equal("Function 'echo' does not exist in database 'shop'.", again.Message);
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.GetFunctionAsync("no spaces"));
        await AssertError<InvalidInputException>(ErrorCodes.InvalidName, () => Db.CallAsync("9lives", Value.Null));
        // A source that does not compile is refused, and nothing is defined.
        var broken = await AssertError<Causeway.Errors.FunctionException>(ErrorCodes.FunctionError, () => Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("broken", "function (a) { return ; ) }", [])));
        Assert.StartsWith("Function 'broken' ", broken.Message);
        Assert.Contains("Unexpected token ')'", broken.Message);
        Assert.Null(await Db.GetFunctionAsync("broken"));
    }

    [Fact]
    public async Task A_call_answers_its_result_commit_and_position()
    {
        await DefinePurchaseAsync();
        var call = await Db.CallAsync("purchase", Json("""{"item": "cat", "player": "ann"}"""));
        Assert.Equal(Json("""{"paid": 30, "left": 70}"""), call.Result);
        Assert.False(call.Replayed);
        var info = await Db.InfoAsync();
        Assert.Equal(info.Position, call.Position);
        Assert.Equal([call.Commit!.Value], info.Heads);
        Assert.Equal(call.Commit, (await Db.GetAsync("players", "ann"))!.Commit);
        Assert.Equal(70, (await Db.GetAsync("players", "ann"))!["credits"]!.AsInt());
        Assert.Equal(1, (await Db.GetAsync("items", "cat"))!["stock"]!.AsInt());

        // Into a C# record, the argument from one too.
        var typed = await Db.CallAsync<Receipt>("purchase", new Order("cat", "ann"));
        Assert.Equal(new Receipt(30, 40), typed.Result);
        Assert.Equal(call.Position + 1, typed.Position);
        Assert.NotNull(typed.Commit);

        // A call that writes nothing makes no commit and answers the position it read at.
        await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("price", "function (a) { return { price: db.get('items', a).price, none: null, half: 0.5 }; }",
            [new Causeway.Functions.FunctionGrant("/doc/read", ["items"])]));
        long position = (await Db.InfoAsync()).Position;
        var look = await Db.CallAsync("price", Value.String("cat"));
        Assert.Equal(30, (await Db.CallAsync<JsonPrice>("price", "cat")).Result.Price);   // a string argument is a JSON string
        Assert.Null(look.Commit);
        Assert.Equal(position, look.Position);
        Assert.Equal(Json("""{"price": 30, "none": null, "half": 0.5}"""), look.Result);
        Assert.Equal(position, (await Db.InfoAsync()).Position);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_call()
    {
        await DefinePurchaseAsync();
        var options = new Causeway.Functions.CallOptions("order-1");
        var first = await Db.CallAsync("purchase", Json("""{"item": "cat", "player": "ann"}"""), options);
        long position = (await Db.InfoAsync()).Position;
        var again = await Db.CallAsync("purchase", Json("""{"player": "ann", "item": "cat"}"""), options);
        Assert.True(again.Replayed);
        Assert.Equal(first with { Replayed = true }, again);
        var typed = await Db.CallAsync<Receipt>("purchase", new Order("cat", "ann"), options);
        Assert.Equal((new Receipt(30, 70), first.Commit, first.Position, true), (typed.Result, typed.Commit, typed.Position, typed.Replayed));
        Assert.Equal(position, (await Db.InfoAsync()).Position);
        Assert.Equal(70, (await Db.GetAsync("players", "ann"))!["credits"]!.AsInt());

        var conflict = await AssertError<IdempotencyConflictException>(ErrorCodes.IdempotencyConflict, () => Db.CallAsync("purchase", Json("""{"item": "cat", "player": "bob"}"""), options));
        Assert.Equal("Idempotency key 'order-1' was used for a call of 'purchase' with another argument; use a new key for a new call.", conflict.Message);
        var badKey = await AssertError<InvalidInputException>(ErrorCodes.InvalidValue, () => Db.CallAsync("purchase", Json("""{"item": "cat", "player": "ann"}"""), new Causeway.Functions.CallOptions("no spaces")));
        Assert.StartsWith("'no spaces' is not an idempotency key", badKey.Message);
        Assert.Equal(position, (await Db.InfoAsync()).Position);
    }

    [Fact]
    public async Task A_failed_call_throws_the_same_exception_and_writes_nothing()
    {
        await DefinePurchaseAsync();
        await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("bad", "function (a) {\n  throw new Error('boom');\n}", []));
        long position = (await Db.InfoAsync()).Position;

        var aborted = await AssertError<FunctionAbortedException>(ErrorCodes.FunctionAborted, () => Db.CallAsync("purchase", Json("""{"item": "dog", "player": "ann"}""")));
        Assert.Equal("no_such_item", aborted.Reason);
        Assert.Equal("no_such_item: There is no item dog.", aborted.Message);
        var error = await AssertError<Causeway.Errors.FunctionException>(ErrorCodes.FunctionError, () => Db.CallAsync("bad", Value.Null));
        Assert.StartsWith("Function 'bad' failed at line 2", error.Message);
        Assert.Contains("boom", error.Message);
        var missing = await AssertError<NotFoundException>(ErrorCodes.NotFound, () => Db.CallAsync("nothing", Value.Null));
        Assert.Equal("Function 'nothing' does not exist in database 'shop'.", missing.Message);
        var wrongType = await AssertError<InvalidInputException>(ErrorCodes.InvalidValue, () => Db.CallAsync("purchase", Json("""{"item": 5, "player": "ann"}""")));
        Assert.Equal("Function 'purchase' takes 'item' as string, not a number.", wrongType.Message);
        var extra = await AssertError<InvalidInputException>(ErrorCodes.InvalidValue, () => Db.CallAsync<Receipt>("purchase", new { item = "cat", player = "ann", tip = 1 }));
        Assert.StartsWith("Function 'purchase' takes no argument 'tip'", extra.Message);
        await Db.DefineFunctionAsync(new Causeway.Functions.FunctionDefinition("sneak", "function (a) { db.put('admins', 'me', {}); }", Functions.StoredFunctionTests.PurchaseRole));
        var outside = await AssertError<ForbiddenException>(ErrorCodes.Forbidden, () => Db.CallAsync("sneak", Value.Null));
        Assert.Contains("may not write collection 'admins'", outside.Message);

        Assert.Equal(position + 1, (await Db.InfoAsync()).Position);   // only the definition of sneak
        Assert.Equal(100, (await Db.GetAsync("players", "ann"))!["credits"]!.AsInt());
        Assert.Null(await Db.GetAsync("admins", "me"));
    }

    protected static async Task<T> AssertError<T>(string code, Func<Task> call) where T : CausewayException
    {
        var e = await Assert.ThrowsAsync<T>(call);
        Assert.Equal(code, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        return e;
    }

    private sealed record ChangedDocumentView(string Collection, string Id, bool Deleted);

    private static ChangedDocumentView View(Change change)
    {
        var doc = Assert.Single(change.Documents);
        return new(doc.Collection, doc.Id, doc.Deleted);
    }

    /// <summary>Changes by value (the record holds a list, which records compare by reference).</summary>
    private sealed class ChangeComparer : IEqualityComparer<Change>
    {
        public static readonly ChangeComparer Instance = new();
        public bool Equals(Change? x, Change? y) => x is not null && y is not null && x.Position == y.Position && x.Commit == y.Commit
            && x.Origin == y.Origin && x.Time == y.Time && x.Documents.SequenceEqual(y.Documents);
        public int GetHashCode(Change obj) => obj.Position.GetHashCode();
    }
}
