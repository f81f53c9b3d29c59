using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Security;


using Causeway.Values;

namespace Causeway.Tests.Ledger;

/// <summary>CARv1 export and import, and through it the path that applies commits made elsewhere.</summary>
public sealed class ArchiveTests
{
    private static async Task WriteSomeAsync(Database db, string prefix, int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            string id = $"d{random.Next(6)}";
            var existing = await db.GetAsync("c", id);
            if (existing is null) await db.PutAsync("c", id, Value.Map([new("by", Value.String(prefix)), new("i", Value.Int(i))]));
            else if (random.Next(5) == 0) await db.DeleteAsync("c", id);
            else await db.PatchAsync("c", id, FieldOp.Increment("n", random.Next(1, 5)), FieldOp.Add("tags", Value.String(prefix + random.Next(3))), FieldOp.Set("last", Value.String(prefix)));
        }
    }

    private static async Task<byte[]> ExportAsync(Database db)
    {
        using var stream = new MemoryStream();
        await db.ExportAsync(stream);
        return stream.ToArray();
    }

    private static async Task<Dictionary<string, string>> SnapshotAsync(Database db)
    {
        var docs = new Dictionary<string, string>();
        for (int i = 0; i < 6; i++)
            docs[$"d{i}"] = (await db.GetAsync("c", $"d{i}"))?.Fields.ToString() ?? "(absent)";
        return docs;
    }

    [Fact]
    public async Task A_ledger_exported_and_imported_elsewhere_gives_the_same_database()
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        var source = await a.CreateDatabaseAsync("shop");
        await WriteSomeAsync(source, "a", 60, 1);
        var car = await ExportAsync(source);

        var target = await b.CreateDatabaseAsync("shop");
        var result = await target.ImportAsync(new MemoryStream(car));
        Assert.Equal(60, result.Applied);
        Assert.Equal(await SnapshotAsync(source), await SnapshotAsync(target));
        var (infoA, infoB) = (await source.InfoAsync(), await target.InfoAsync());
        Assert.Equal(infoA.Heads, infoB.Heads);
        Assert.Equal(infoA.Clock, infoB.Clock);
        Assert.Equal(infoA.Documents, infoB.Documents);
        Assert.True((await target.VerifyAsync()).Ok);
        Assert.Equal(
            (await source.HistoryAsync("c", "d1")).Select(v => v.Commit),
            (await target.HistoryAsync("c", "d1")).Select(v => v.Commit));

        var again = await target.ImportAsync(new MemoryStream(car));
        Assert.Equal((0, 60), (again.Applied, again.Skipped));
        Assert.Equal(infoB.Position, (await target.InfoAsync()).Position);
    }

    [Fact]
    public async Task Two_replicas_writing_concurrently_converge_after_exchanging_ledgers()
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        var dbA = await a.CreateDatabaseAsync("shop");
        var dbB = await b.CreateDatabaseAsync("shop");
        await WriteSomeAsync(dbA, "a", 40, 7);
        await WriteSomeAsync(dbB, "b", 40, 8);
        var carA = await ExportAsync(dbA);
        var carB = await ExportAsync(dbB);
        await dbA.ImportAsync(new MemoryStream(carB));
        await dbB.ImportAsync(new MemoryStream(carA));

        Assert.Equal(await SnapshotAsync(dbA), await SnapshotAsync(dbB));
        var (infoA, infoB) = (await dbA.InfoAsync(), await dbB.InfoAsync());
        Assert.Equal(2, infoA.Heads.Count);
        Assert.Equal(infoA.Heads, infoB.Heads);
        Assert.Equal(infoA.Clock, infoB.Clock);
        Assert.True((await dbA.VerifyAsync()).Ok);
        Assert.True((await dbB.VerifyAsync()).Ok);

        // A new commit on either side has both heads as parents and merges the DAG again.
        await dbA.PutJsonAsync("c", "after", "{}");
        Assert.Single((await dbA.InfoAsync()).Heads);
    }

    [Fact]
    public async Task A_damaged_archive_is_refused_and_nothing_is_applied()
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        var source = await a.CreateDatabaseAsync("shop");
        await WriteSomeAsync(source, "a", 10, 3);
        var car = await ExportAsync(source);
        var target = await b.CreateDatabaseAsync("shop");

        var damaged = (byte[])car.Clone();
        damaged[^10] ^= 0x01;
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => target.ImportAsync(new MemoryStream(damaged)));
        Assert.Equal(ErrorCodes.InvalidCbor, error.Code);
        Assert.Contains("does not hash", error.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => target.ImportAsync(new MemoryStream(car[..(car.Length / 2)])));
        Assert.Equal(0, target.Position);
    }

    [Fact]
    public async Task Forged_gapped_or_foreign_commits_are_refused_with_nothing_applied()
    {
        await using var a = Replica.OpenInMemory();
        await using var b = Replica.OpenInMemory();
        var source = await a.CreateDatabaseAsync("shop");
        var results = new List<WriteResult>();
        for (int i = 0; i < 5; i++) results.Add(await source.PutJsonAsync("c", $"d{i}", "{}"));
        var target = await b.CreateDatabaseAsync("shop");
        var all = results.Select(r => Remote(source, r.Commit)).ToList();

        // A commit re-signed by another key.
        using var attacker = ReplicaIdentity.CreateEphemeral();
        var forged = Commit.Decode(CommitTests.Forge(all[2].Commit, attacker));
        var withForgery = all.Select((c, i) => i == 2 ? c with { Commit = forged } : c).ToList();
        var e = await Assert.ThrowsAsync<InvalidCommitException>(() => target.ApplyAsync(withForgery));
        Assert.Contains("signature", e.Message);

        // A gap: the third commit is missing.
        e = await Assert.ThrowsAsync<InvalidCommitException>(() => target.ApplyAsync(all.Where((_, i) => i != 2).ToList()));
        Assert.Contains("out of sequence", e.Message);

        // An operation block that is not the one the commit signed.
        var swapped = all.Select((c, i) => i == 1 ? c with { OpBlocks = all[0].OpBlocks } : c).ToList();
        e = await Assert.ThrowsAsync<InvalidCommitException>(() => target.ApplyAsync(swapped));
        Assert.Contains("does not hash", e.Message);

        // Another database's commits.
        var other = await b.CreateDatabaseAsync("other");
        e = await Assert.ThrowsAsync<InvalidCommitException>(() => other.ApplyAsync(all));
        Assert.Contains("belongs to database 'shop'", e.Message);

        Assert.Equal(0, target.Position);
        Assert.Equal(0, other.Position);
        Assert.Equal(5, (await target.ApplyAsync(all)).Applied);
        Assert.True((await target.VerifyAsync()).Ok);
    }

    private static RemoteCommit Remote(Database db, Cid commit)
    {
        var record = db.Stored.CommitRecordOf(commit)!;
        return new RemoteCommit(Commit.Decode(record.Block), record.OpBlocks);
    }
}
