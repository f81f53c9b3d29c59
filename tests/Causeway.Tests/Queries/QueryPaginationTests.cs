using System.Buffers.Text;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Queries;

/// <summary>Walking pages with cursors: consistent at the first page's snapshot while writes go on,
/// and every cursor that is not this query's own is invalid_cursor, never another error.</summary>
public sealed class QueryPaginationTests : IAsyncLifetime
{
    private Replica _replica = null!;
    private Database _db = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        _db = await _replica.CreateDatabaseAsync("pages");
        await _db.TransactAsync(async tx =>
        {
            for (int i = 0; i < 50; i++)
            {
                var fields = new List<KeyValuePair<string, Value>> { new("i", Value.Int(i)) };
                if (i % 10 != 0) fields.Add(new("score", i % 3 == 0 ? Value.Double(i % 7) : Value.Int(i % 7)));
                tx.Put("p", $"p{i:000}", Value.Map(fields));
            }
            await Task.CompletedTask;
        });
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private static readonly Query Walk = Query.In("p").Where(Pred.Ne("score", Value.Int(3))).OrderBy("score", desc: true).Take(3);

    [Fact]
    public async Task Pages_together_equal_the_full_query_at_the_first_snapshot_while_writes_go_on()
    {
        var first = await _db.QueryAsync(Walk);
        long snapshot = first.Position;

        // A writer that keeps inserting, updating and deleting while the pages are read.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            int k = 0;
            while (!stop.IsCancellationRequested)
            {
                await _db.PutJsonAsync("p", $"w{k:000}", $$"""{"score": {{k % 9}}}""");
                await _db.PutJsonAsync("p", $"p{k % 50:000}", $$"""{"score": {{100 + k}}}""");
                if (k % 2 == 0 && await _db.GetAsync("p", $"w{k / 2:000}") is not null) await _db.DeleteAsync("p", $"w{k / 2:000}");
                k++;
            }
        });

        var pages = new List<QueryResult> { first };
        try
        {
            for (int n = 0; pages[^1].Next is { } next; n++)
            {
                // And some writes of our own between pages: a new document that would sort first,
                // the deletion of one already returned and one not yet returned, and a score change.
                await _db.PutJsonAsync("p", $"between{n}", """{"score": 6}""");
                await TryDelete(pages[^1].Documents[0].Id);
                await TryDelete($"p{49 - n:000}");
                await _db.PutJsonAsync("p", $"p{n + 1:000}", $$"""{"score": {{-n}}}""");
                pages.Add(await _db.QueryAsync(Walk.After(next)));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.True(_db.Position > snapshot + 20);
        Assert.All(pages, p => Assert.Equal(snapshot, p.Position));
        Assert.All(pages[..^1], p => Assert.Equal(3, p.Documents.Count));
        Assert.InRange(pages[^1].Documents.Count, 1, 3);

        var walked = pages.SelectMany(p => p.Documents).ToList();
        var full = await _db.QueryAsync(Query.In("p").Where(Pred.Ne("score", Value.Int(3))).OrderBy("score", desc: true).Take(1000).At(ReadPoint.AtPosition(snapshot)));
        Assert.Null(full.Next);
        Assert.Equal(walked.Count, walked.Select(d => d.Id).Distinct().Count());
        Assert.Equal(full.Documents.Select(d => d.ToJson()), walked.Select(d => d.ToJson()));
        // 50 documents less the 6 with score 3 or 3.0; the 5 without a score are in (ne), last when descending.
        Assert.Equal(44, walked.Count);
        Assert.All(walked[^5..], d => Assert.Null(d["score"]));
        Assert.Equal(["p006", "p013", "p027", "p034", "p041", "p048"], walked.Take(6).Select(d => d.Id));   // score 6 and 6.0 tie; ids decide
    }

    private async Task TryDelete(string id)
    {
        try
        {
            await _db.DeleteAsync("p", id);
        }
        catch (NotFoundException)
        {
            // deleted already
        }
    }

    [Fact]
    public async Task A_cursor_read_only_after_later_writes_is_the_one_the_page_was_answered_with()
    {
        // The engine encodes a page's cursor when Next is first read: writes in between change nothing.
        var early = await _db.QueryAsync(Walk);
        var eager = await _db.QueryAsync(Walk);
        Assert.NotNull(eager.Next);
        await _db.PutJsonAsync("p", "p001", """{"score": 1000}""");
        await _db.PutJsonAsync("p", "late", """{"score": 999}""");

        Assert.Equal(eager.Next, early.Next);
        var second = await _db.QueryAsync(Walk.After(early.Next!));
        Assert.Equal(early.Position, second.Position);
        Assert.DoesNotContain(second.Documents, d => d.Id == "late");
        Assert.Equal(eager, eager with { });
        Assert.Equal(early.Next, (early with { }).Next);
    }

    [Fact]
    public async Task A_cursor_continues_the_same_query_with_any_limit_and_ignores_at()
    {
        var page = await _db.QueryAsync(Walk);
        var bigger = await _db.QueryAsync(Walk.Take(5).After(page.Next));
        var alsoAt = await _db.QueryAsync(Walk.Take(5).At(ReadPoint.AtPosition(0)).After(page.Next));
        Assert.Equal(5, bigger.Documents.Count);
        Assert.Equal(bigger.Documents.Select(d => d.Id), alsoAt.Documents.Select(d => d.Id));
        var json = await _db.QueryAsync(Query.Parse($$"""{"collection": "p", "where": {"path": "score", "ne": 3}, "orderBy": [{"path": "score", "desc": true}], "limit": 5, "after": "{{page.Next}}"}"""));
        Assert.Equal(bigger.Documents.Select(d => d.Id), json.Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task A_cursor_from_another_query_is_invalid_cursor()
    {
        var cursor = (await _db.QueryAsync(Walk)).Next!;
        var others = new[]
        {
            Query.In("p").Take(3),                                                                   // no where, no order
            Query.In("p").Where(Pred.Ne("score", Value.Int(4))).OrderBy("score", desc: true),        // another operand
            Query.In("p").Where(Pred.Ne("score", Value.Double(3))).OrderBy("score", desc: true),     // 3.0 is not 3 here
            Query.In("p").Where(Pred.Ne("score", Value.Int(3))).OrderBy("score"),                    // ascending
            Query.In("p").Where(Pred.Ne("score", Value.Int(3))).OrderBy("score", desc: true).ThenBy("i"),
            Query.In("q").Where(Pred.Ne("score", Value.Int(3))).OrderBy("score", desc: true),        // another collection
            Query.In("p").Where(!Pred.Eq("score", Value.Int(3))).OrderBy("score", desc: true),       // same meaning, other form
        };
        foreach (var other in others)
        {
            var e = await Assert.ThrowsAsync<InvalidInputException>(() => _db.QueryAsync(other.After(cursor)));
            Assert.Equal(ErrorCodes.InvalidCursor, e.Code);
            Assert.Contains("different query", e.Message);
        }

        var otherDb = await _replica.CreateDatabaseAsync("elsewhere");
        for (int i = 0; i < 10; i++) await otherDb.PutJsonAsync("p", $"x{i}", "{}");
        var elsewhere = await Assert.ThrowsAsync<InvalidInputException>(() => otherDb.QueryAsync(Walk.After(cursor)));
        Assert.Equal(ErrorCodes.InvalidCursor, elsewhere.Code);
    }

    [Fact]
    public async Task A_cursor_at_a_position_the_database_has_not_reached_is_invalid_cursor()
    {
        var fingerprint = QueryFingerprint.Compute(_db.Name, Walk);
        var forged = new QueryCursor(_db.Position + 1, fingerprint, new SortPosition([Value.Int(6)], "p001")).Encode();
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _db.QueryAsync(Walk.After(forged)));
        Assert.Equal(ErrorCodes.InvalidCursor, e.Code);
        var fine = new QueryCursor(_db.Position, fingerprint, new SortPosition([null], "p001")).Encode();
        // Descending puts missing scores last, ties by id: after (missing, p001) come p010, p020, p030 and p040.
        var page = await _db.QueryAsync(Walk.After(fine));
        Assert.Equal(["p010", "p020", "p030"], page.Documents.Select(d => d.Id));
        Assert.Equal(["p040"], (await _db.QueryAsync(Walk.After(page.Next))).Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task A_cursor_of_version_1_whose_fingerprint_was_sha256_is_refused_as_of_another_version()
    {
        // Version 1's shape, with the SHA-256 fingerprint it carried: made by a release before this one.
        var writer = new DagCborWriter();
        writer.WriteStartArray(5);
        writer.WriteInt64(1);
        writer.WriteInt64(_db.Position);
        writer.WriteBytes(System.Security.Cryptography.SHA256.HashData("query"u8)[..QueryFingerprint.Length]);
        writer.WriteStartArray(1);
        writer.WriteStartArray(0);
        writer.WriteEndArray();
        writer.WriteEndArray();
        writer.WriteText("p001");
        writer.WriteEndArray();
        var old = Base64Url.EncodeToString(writer.Encode());
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _db.QueryAsync(Walk.After(old)));
        Assert.Equal(ErrorCodes.InvalidCursor, e.Code);
        Assert.Contains("unknown version", e.Message);
        // What this release writes is version 2.
        var current = Base64Url.DecodeFromChars((await _db.QueryAsync(Walk)).Next!);
        Assert.Equal(2, new DagCborReader(current) is var reader && reader.ReadStartArray() == 5 ? reader.ReadInt64() : -1);
    }

    private async Task ExpectInvalidCursor(string cursor)
    {
        try
        {
            await _db.QueryAsync(Walk.After(cursor));
            Assert.Fail($"Cursor '{cursor}' was accepted.");
        }
        catch (CausewayException e)
        {
            Assert.Equal(ErrorCodes.InvalidCursor, e.Code);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public async Task Garbage_cursors_are_invalid_cursor()
    {
        var valid = (await _db.QueryAsync(Walk)).Next!;
        foreach (var cursor in new[] { "", " ", "=", valid + "=", valid + "A", " " + valid, valid.ToUpperInvariant(), "null", "AAAA", "gA", "%%%", "🙂", new string('A', 100_000) })
            await ExpectInvalidCursor(cursor);
        for (int length = 0; length < valid.Length; length++)
            await ExpectInvalidCursor(valid[..length]);

        await Gen.String.SampleAsync(ExpectInvalidCursor, iter: 300, threads: 1);
        await Gen.Byte.Array[0, 80].Select(bytes => Base64Url.EncodeToString(bytes)).SampleAsync(ExpectInvalidCursor, iter: 300, threads: 1);
        // Valid CBOR of the wrong shape, and the right shape with wrong content.
        foreach (var value in new[] { "[]", "[1]", "{}", "\"x\"", "[1, 2, 3, 4, 5]", "[2, 0, {\"$bytes\": \"AA==\"}, [], \"p\"]" })
            await ExpectInvalidCursor(Base64Url.EncodeToString(Causeway.Documents.ValueCbor.Encode(ValueJson.Parse(value))));
    }

    [Fact]
    public async Task Altered_cursors_are_either_accepted_or_invalid_cursor()
    {
        var valid = (await _db.QueryAsync(Walk)).Next!;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        await Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[0, 63]).SampleAsync(async (at, c) =>
        {
            var altered = valid[..at] + alphabet[c] + valid[(at + 1)..];
            try
            {
                await _db.QueryAsync(Walk.After(altered));
            }
            catch (CausewayException e)
            {
                Assert.Equal(ErrorCodes.InvalidCursor, e.Code);
            }
        }, iter: 300, threads: 1);
    }
}
