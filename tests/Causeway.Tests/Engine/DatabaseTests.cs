using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Tests.Engine;

public sealed class DatabaseTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("shop");
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    [Fact]
    public async Task Put_then_get_returns_the_fields_and_meta()
    {
        var result = await _db.PutJsonAsync("orders", "o-1", """{"total": 12, "items": ["a", "b"], "ship": {"city": "Oslo"}, "paid": false, "price": 1.5}""");
        Assert.Equal(1, result.Position);
        var doc = await _db.GetAsync("orders", "o-1");
        Assert.NotNull(doc);
        Assert.Equal(12, doc["total"]!.AsInt());
        Assert.Equal("Oslo", doc["ship"]!.Get("city")!.AsString());
        Assert.Equal(1.5, doc["price"]!.AsDouble());
        Assert.Equal(2, doc["items"]!.AsArray().Count);
        Assert.Equal(result.Commit, doc.Commit);
        Assert.Equal(_replica.Did, doc.Origin);
        var json = doc.ToJsonObject();
        Assert.Equal("o-1", (string?)json["_id"]);
        Assert.Equal("orders", (string?)json["_collection"]);
        Assert.Equal(1, (long?)json["_meta"]!["position"]);
    }

    [Fact]
    public async Task Put_replaces_the_document()
    {
        await _db.PutJsonAsync("c", "d", """{"a": 1, "b": {"x": 1, "y": 2}}""");
        await _db.PutJsonAsync("c", "d", """{"b": {"y": 3}, "c": true}""");
        var doc = await _db.GetAsync("c", "d");
        Assert.Equal(ValueJson.Parse("""{"b": {"y": 3}, "c": true}"""), doc!.Fields);
    }

    [Fact]
    public async Task Field_operations_use_the_crdt_their_op_implies()
    {
        await _db.PutJsonAsync("p", "1", """{"name": "ann"}""");
        await _db.PatchAsync("p", "1",
            FieldOp.Increment("credits", 10), FieldOp.Increment("credits", -3),
            FieldOp.Add("tags", Value.String("x")), FieldOp.Add("tags", Value.String("y")), FieldOp.Remove("tags", Value.String("x")),
            FieldOp.Enable("vip"), FieldOp.Set("address.city", Value.String("Rome")), FieldOp.Unset("name"));
        var doc = await _db.GetAsync("p", "1");
        Assert.Equal(ValueJson.Parse("""{"credits": 7, "tags": ["y"], "vip": true, "address": {"city": "Rome"}}"""), doc!.Fields);
    }

    [Fact]
    public async Task Wrong_kind_is_a_type_mismatch_and_writes_nothing()
    {
        await _db.PutJsonAsync("p", "1", """{"n": 1}""");
        await _db.PatchAsync("p", "1", FieldOp.Add("tags", Value.Int(1)));
        long before = _db.Position;
        var e = await Assert.ThrowsAsync<TypeMismatchException>(() => _db.PatchAsync("p", "1", FieldOp.Increment("tags", 1)));
        Assert.Equal(ErrorCodes.TypeMismatch, e.Code);
        await Assert.ThrowsAsync<TypeMismatchException>(() => _db.PatchAsync("p", "1", FieldOp.Set("n.deeper", Value.Int(2))));
        Assert.Equal(before, _db.Position);
    }

    [Fact]
    public async Task Delete_hides_the_document_and_patch_of_a_deleted_document_is_not_found()
    {
        await _db.PutJsonAsync("c", "d", """{"a": 1}""");
        await _db.DeleteAsync("c", "d");
        Assert.Null(await _db.GetAsync("c", "d"));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.PatchAsync("c", "d", FieldOp.Set("a", Value.Int(2))));
        await Assert.ThrowsAsync<NotFoundException>(() => _db.DeleteAsync("c", "d"));
        await _db.PutJsonAsync("c", "d", """{"b": 2}""");
        Assert.Equal(ValueJson.Parse("""{"b": 2}"""), (await _db.GetAsync("c", "d"))!.Fields);
    }

    [Fact]
    public async Task A_transaction_reads_its_own_writes_and_commits_once()
    {
        await _db.PutJsonAsync("acct", "a", """{"balance": 10}""");
        long before = _db.Position;
        var result = await _db.TransactAsync(async tx =>
        {
            var a = await tx.GetAsync("acct", "a");
            tx.Put("acct", "a", Value.Map([new("balance", Value.Int(a!["balance"]!.AsInt() - 4))]));
            tx.Put("acct", "b", Value.Map([new("balance", Value.Int(4))]));
            Assert.Equal(6, (await tx.GetAsync("acct", "a"))!["balance"]!.AsInt());
            Assert.NotNull(await tx.GetAsync("acct", "b"));
            Assert.Null(await _db.GetAsync("acct", "b")); // not visible outside before the commit
        });
        Assert.Equal(before + 1, result.Position);
        Assert.Equal(6, (await _db.GetAsync("acct", "a"))!["balance"]!.AsInt());
        Assert.Equal(result.Commit, (await _db.GetAsync("acct", "b"))!.Commit);
        var changes = await _db.ChangesAsync(since: before).ToListAsync();
        Assert.Single(changes);
        Assert.Equal(2, changes[0].Documents.Count);
    }

    [Fact]
    public async Task A_transaction_sees_its_later_writes_to_a_document_win_as_the_commit_will()
    {
        // Found by the simulator (seed 1255): each write in a transaction was previewed by an editor of
        // its own, so its LWW stamps restarted at index 0 and tied with the earlier writes' stamps, which
        // a present value wins. The view then kept a value the commit clears, and accepted a patch the
        // commit refuses.
        await _db.PutJsonAsync("d", "x", """{"keep": 1}""");
        var refused = await Assert.ThrowsAsync<TypeMismatchException>(() => _db.TransactAsync(async tx =>
        {
            tx.Patch("d", "x", FieldOp.Set("a", Value.Int(1)), FieldOp.Set("m.deep", Value.Map([new("k", Value.Int(0))])));
            tx.Patch("d", "x", FieldOp.Unset("a"), FieldOp.Set("m", Value.String("flat")));
            var view = await tx.GetAsync("d", "x");
            Assert.Null(view!["a"]);
            Assert.Equal("flat", view["m"]!.AsString());
            tx.Patch("d", "x", FieldOp.Enable("m.flag")); // 'm' is a plain value now: refused here, at the call
        }));
        Assert.Contains("'m' is a lww", refused.Message);
        Assert.Null((await _db.GetAsync("d", "x"))!["a"]);
    }

    [Fact]
    public async Task A_failed_transaction_leaves_no_trace_not_even_in_history()
    {
        await _db.PutJsonAsync("c", "keep", """{"v": 1}""");
        var infoBefore = await _db.InfoAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => _db.TransactAsync(tx =>
        {
            tx.Patch("c", "keep", FieldOp.Set("v", Value.Int(2)));
            tx.Put("c", "new", Value.Map([new("x", Value.Int(1))]));
            tx.Patch("c", "missing", FieldOp.Set("v", Value.Int(3)));
            return Task.CompletedTask;
        }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _db.TransactAsync(tx =>
        {
            tx.Put("c", "new2", Value.Map([new("x", Value.Int(1))]));
            throw new InvalidOperationException("the application changed its mind");
        }));
        var infoAfter = await _db.InfoAsync();
        Assert.Equal(infoBefore.Position, infoAfter.Position);
        Assert.Equal(infoBefore.Heads, infoAfter.Heads);
        Assert.Equal(1, (await _db.GetAsync("c", "keep"))!["v"]!.AsInt());
        Assert.Null(await _db.GetAsync("c", "new"));
        Assert.Null(await _db.GetAsync("c", "new2"));
        Assert.Single(await _db.HistoryAsync("c", "keep"));
        Assert.Empty(await _db.HistoryAsync("c", "new"));
        Assert.Single(await _db.ChangesAsync().ToListAsync());
        Assert.True((await _db.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Reads_in_the_past_by_position_commit_and_time()
    {
        var first = await _db.PutJsonAsync("c", "d", """{"v": 1}""");
        await Task.Delay(20);
        var middle = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var second = await _db.PatchAsync("c", "d", FieldOp.Set("v", Value.Int(2)));
        await _db.DeleteAsync("c", "d");

        Assert.Null(await _db.GetAsync("c", "d"));
        Assert.Equal(1, (await _db.GetAsync("c", "d", ReadPoint.AtPosition(first.Position)))!["v"]!.AsInt());
        Assert.Equal(2, (await _db.GetAsync("c", "d", ReadPoint.AtCommit(second.Commit)))!["v"]!.AsInt());
        Assert.Equal(1, (await _db.GetAsync("c", "d", ReadPoint.AtTime(middle)))!["v"]!.AsInt());
        Assert.Equal(2, (await _db.GetAsync("c", "d", ReadPoint.Parse(second.Position.ToString())))!["v"]!.AsInt());
        Assert.Null(await _db.GetAsync("c", "d", ReadPoint.AtPosition(0)));
        var future = await Assert.ThrowsAsync<InvalidInputException>(() => _db.GetAsync("c", "d", ReadPoint.AtPosition(99)));
        Assert.Equal(ErrorCodes.InvalidAt, future.Code);
        Assert.Equal(ErrorCodes.InvalidAt, Assert.Throws<InvalidInputException>(() => ReadPoint.Parse("yesterday")).Code);
    }

    [Fact]
    public async Task History_lists_every_version_with_what_changed()
    {
        await _db.PutJsonAsync("c", "d", """{"v": 1}""");
        await _db.PatchAsync("c", "d", FieldOp.Increment("n", 5), FieldOp.Set("v", Value.Int(2)));
        await _db.DeleteAsync("c", "d");
        var history = await _db.HistoryAsync("c", "d");
        Assert.Equal([1L, 2L, 3L], history.Select(h => h.Position));
        Assert.Contains(new FieldChange("create"), history[0].Changes);
        Assert.Contains(new FieldChange("set", "v", Value.Int(1)), history[0].Changes);
        Assert.Contains(new FieldChange("increment", "n", Value.Int(5)), history[1].Changes);
        Assert.Contains(new FieldChange("set", "v", Value.Int(2)), history[1].Changes);
        Assert.True(history[2].Deleted);
        Assert.Contains(new FieldChange("delete"), history[2].Changes);
        Assert.All(history, h => Assert.Equal(_replica.Did, h.Origin));
    }

    [Fact]
    public async Task Changes_stream_follows_new_commits()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<Change>();
        var follow = Task.Run(async () =>
        {
            await foreach (var change in _db.ChangesAsync(0, follow: true, cts.Token))
            {
                seen.Add(change);
                if (seen.Count == 3) break;
            }
        });
        for (int i = 0; i < 3; i++) await _db.PutJsonAsync("c", $"d{i}", """{"v": 1}""");
        await follow;
        Assert.Equal([1L, 2L, 3L], seen.Select(c => c.Position));
        Assert.Equal("d2", seen[2].Documents[0].Id);
    }

    [Fact]
    public async Task Concurrent_writers_all_commit_and_the_ledger_verifies()
    {
        for (int w = 0; w < 4; w++) await _db.PutAsync("counters", $"w{w}", Value.EmptyMap);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
                await _db.PatchAsync("counters", $"w{w % 4}", FieldOp.Increment("n", 1));
        })));
        var info = await _db.InfoAsync();
        Assert.Equal(324, info.Commits);
        Assert.Single(info.Heads);
        Assert.Equal(324, info.Clock[_replica.Did]);
        long total = 0;
        for (int w = 0; w < 4; w++) total += (await _db.GetAsync("counters", $"w{w}"))!["n"]!.AsInt();
        Assert.Equal(320, total);
        var report = await _db.VerifyAsync();
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(324, report.Commits);
    }

    [Fact]
    public async Task Conditional_writes_apply_only_to_the_version_read_and_a_refused_one_leaves_no_trace()
    {
        var v1 = (await _db.PutAsync("forms", "f", ValueJson.Parse("""{"title": "a"}"""), WriteCondition.IfAbsent)).Commit;
        var v2 = (await _db.PatchAsync("forms", "f", WriteCondition.IfVersion(v1), FieldOp.Set("title", Value.String("b")))).Commit;
        Assert.Equal(v2, (await _db.GetAsync("forms", "f"))!.Commit);

        var before = await _db.InfoAsync();
        var e = await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.PutAsync("forms", "f", Value.EmptyMap, WriteCondition.IfVersion(v1)));
        Assert.Equal(ErrorCodes.PreconditionFailed, e.Code);
        Assert.Equal($"Document forms/f is at version {v2}, not version {v1}: it changed since.", e.Message);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.PatchAsync("forms", "f", [FieldOp.Set("title", Value.String("c"))], WriteCondition.IfVersion(v1)));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.DeleteAsync("forms", "f", WriteCondition.IfVersion(v1)));
        e = await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.PutAsync("forms", "f", Value.EmptyMap, WriteCondition.IfAbsent));
        Assert.Equal($"Document forms/f exists, at version {v2}; the write was to create it only.", e.Message);
        var after = await _db.InfoAsync();
        Assert.Equal((before.Position, before.Commits), (after.Position, after.Commits));
        Assert.Equal(2, (await _db.HistoryAsync("forms", "f")).Count);
        Assert.Equal("b", (await _db.GetAsync("forms", "f"))!["title"]!.AsString());

        // A deleted document does not exist: it may be created again, and nothing else holds.
        await _db.DeleteAsync("forms", "f", WriteCondition.IfExists);
        e = await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.DeleteAsync("forms", "f", WriteCondition.IfExists));
        Assert.Equal("Document forms/f does not exist; the write required it to.", e.Message);
        e = await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.PatchAsync("forms", "f", WriteCondition.IfVersion(v1, v2), FieldOp.Set("a", Value.Int(1))));
        Assert.Equal("Document forms/f does not exist; the write required one of 2 versions.", e.Message);
        await _db.PutAsync("forms", "f", Value.EmptyMap, WriteCondition.IfAbsent);
        // Create only is for puts; no condition is no condition.
        Assert.Equal(ErrorCodes.InvalidValue, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.DeleteAsync("forms", "f", WriteCondition.IfAbsent))).Code);
        Assert.Equal(ErrorCodes.InvalidValue, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PatchAsync("forms", "f", WriteCondition.IfAbsent, FieldOp.Set("a", Value.Int(1))))).Code);
        await _db.PutAsync("forms", "f", Value.EmptyMap, condition: null);
    }

    [Fact]
    public async Task Of_concurrent_writes_conditional_on_one_version_exactly_one_applies()
    {
        var version = (await _db.PutAsync("c", "d", Value.EmptyMap)).Commit;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(w => Task.Run(async () =>
        {
            try
            {
                await _db.PatchAsync("c", "d", WriteCondition.IfVersion(version), FieldOp.Increment("n", 1));
                return true;
            }
            catch (PreconditionFailedException)
            {
                return false;
            }
        })));
        Assert.Single(outcomes, won => won);
        Assert.Equal(1, (await _db.GetAsync("c", "d"))!["n"]!.AsInt());
        Assert.Equal(2, (await _db.InfoAsync()).Commits);
    }

    [Fact]
    public async Task The_version_is_the_same_on_every_replica_and_an_edit_made_elsewhere_moves_it_once_it_arrives()
    {
        await using var other = Replica.OpenInMemory();
        var there = await other.CreateDatabaseAsync("shop");
        async Task Deliver(Database from, Database to, Causeway.Encoding.Cid commit)
        {
            var record = from.Stored.CommitRecordOf(commit)!;
            await to.ApplyAsync([new Causeway.Ledger.RemoteCommit(Causeway.Ledger.Commit.Decode(record.Block), record.OpBlocks)]);
        }

        var v1 = (await there.PutAsync("forms", "f", ValueJson.Parse("""{"title": "a"}"""))).Commit;
        await Deliver(there, _db, v1);
        Assert.Equal(v1, (await _db.GetAsync("forms", "f"))!.Commit);
        var v2 = (await there.PatchAsync("forms", "f", FieldOp.Set("title", Value.String("b")))).Commit;
        var seen = (await _db.PatchAsync("forms", "f", WriteCondition.IfVersion(v1), FieldOp.Set("seen", Value.Bool(true)))).Commit;   // before it arrives
        await Deliver(there, _db, v2);
        var latest = (await _db.GetAsync("forms", "f"))!.Commit!.Value;
        var e = await Assert.ThrowsAsync<PreconditionFailedException>(() => _db.PutAsync("forms", "f", Value.EmptyMap, WriteCondition.IfVersion(v1)));
        Assert.Contains(latest.ToString(), e.Message);

        // Once both hold the same commits they agree on the version, and a write conditional on it applies on either.
        await Deliver(_db, there, seen);
        Assert.Equal(latest, (await there.GetAsync("forms", "f"))!.Commit);
        var done = (await there.PatchAsync("forms", "f", WriteCondition.IfVersion(latest), FieldOp.Set("done", Value.Bool(true)))).Commit;
        await Deliver(there, _db, done);
        Assert.Equal(done, (await _db.GetAsync("forms", "f"))!.Commit);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_code()
    {
        Assert.Equal(ErrorCodes.InvalidName, (await Assert.ThrowsAsync<InvalidInputException>(() => _replica.CreateDatabaseAsync("Bad Name"))).Code);
        Assert.Equal(ErrorCodes.InvalidName, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("bad/coll", "x", "{}"))).Code);
        Assert.Equal(ErrorCodes.InvalidName, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", new string('x', 257), "{}"))).Code);
        Assert.Equal(ErrorCodes.InvalidJson, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", "x", "{\"a\": "))).Code);
        Assert.Equal(ErrorCodes.InvalidJson, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", "x", "[1, 2]"))).Code);
        Assert.Equal(ErrorCodes.InvalidValue, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", "x", """{"$where": 1, "b": 2}"""))).Code);
        Assert.Equal(ErrorCodes.InvalidPath, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", "x", """{"_secret": 1}"""))).Code);
        Assert.Equal(ErrorCodes.InvalidPath, (await Assert.ThrowsAsync<InvalidInputException>(() => _db.PutJsonAsync("c", "x", """{"a.b": 1}"""))).Code);
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<InvalidInputException>(() => FieldOp.Set("a..b", Value.Int(1))).Code);
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => Value.Double(double.NaN)).Code);
        Assert.Equal(0, _db.Position);
    }

    [Fact]
    public async Task Documents_over_16_MiB_are_too_large_and_nothing_is_written()
    {
        var big = Value.Map([new("blob", Value.String(new string('x', 17 << 20)))]);
        var e = await Assert.ThrowsAsync<TooLargeException>(() => _db.PutAsync("c", "big", big));
        Assert.Equal(ErrorCodes.TooLarge, e.Code);
        Assert.Equal(0, _db.Position);
        Assert.Null(await _db.GetAsync("c", "big"));
    }

    [Fact]
    public async Task Databases_nest_and_drop_with_their_children()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _replica.CreateDatabaseAsync("acme.shop"));
        await _replica.CreateDatabaseAsync("acme");
        var child = await _replica.CreateDatabaseAsync("acme.shop");
        await child.PutJsonAsync("c", "d", "{}");
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _replica.CreateDatabaseAsync("acme"));
        Assert.Equal(["acme", "acme.shop", "shop"], _replica.ListDatabases());
        await _replica.DropDatabaseAsync("acme");
        Assert.Equal(["shop"], _replica.ListDatabases());
        await Assert.ThrowsAsync<NotFoundException>(() => child.GetAsync("c", "d"));
        var again = await _replica.CreateDatabaseAsync("acme");
        Assert.Equal(0, again.Position);
    }
}

internal static class TestExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
