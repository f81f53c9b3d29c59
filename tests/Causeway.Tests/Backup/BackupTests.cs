using System.Collections.Concurrent;
using Causeway.Errors;
using Causeway.Tests.Support;

namespace Causeway.Tests.Backup;

/// <summary>A replica backed up in process while writers write, restored into a new folder: every
/// ledger verifies, every write acknowledged before the backup began is there, and the restored
/// replica signs nothing until it knows its own later commits.</summary>
public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_taken_while_writers_write_holds_every_write_acknowledged_before_it_began()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup"), restored = Path.Combine(folder.Path, "restored");
        string[] names = ["shop", "shop.eu", "ledger"];
        var acknowledged = names.ToDictionary(n => n, _ => new ConcurrentQueue<string>());
        Dictionary<string, string[]> before;
        string did;
        BackupReport report;
        await using (var replica = await Replica.OpenAsync(data))
        {
            did = replica.Did;
            var databases = new List<Database>();
            foreach (var name in names) databases.Add(await replica.CreateDatabaseAsync(name));
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                var db = databases[w % databases.Count];
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    string id = $"w{w}-{n}";
                    await db.PutJsonAsync("orders", id, $$"""{ "writer": {{w}}, "n": {{n}} }""");
                    acknowledged[db.Name].Enqueue(id);
                }
            })).ToArray();
            await Deadline.UntilAsync(() => acknowledged.Values.All(q => q.Count >= 50), TimeSpan.FromSeconds(20), () => "the writers to make 50 writes in each database");
            before = acknowledged.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            int countBefore = before.Values.Sum(ids => ids.Length);
            report = await replica.BackupAsync(backup);
            // The writers went on through the backup, and after it.
            await Deadline.UntilAsync(() => acknowledged.Values.Sum(q => q.Count) >= countBefore + 30, TimeSpan.FromSeconds(20), () => "the writers to go on after the backup");
            Assert.All(writers, w => Assert.False(w.IsFaulted, w.Exception?.ToString()));
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(20));
        }
        Assert.Equal(did, report.Replica);
        Assert.Equal(names.Order(StringComparer.Ordinal), report.Databases);
        Assert.True(File.Exists(Path.Combine(backup, "backup.json")));

        var restoredReport = await Replica.RestoreAsync(backup, restored);
        Assert.Equal((restored, did), (restoredReport.Folder, restoredReport.Replica));
        Assert.Equal(report.Databases, restoredReport.Databases);
        await using var back = await Replica.OpenAsync(restored);
        Assert.Equal(did, back.Did);
        Assert.Equal(names.Order(StringComparer.Ordinal), back.ListDatabases());
        foreach (var name in names)
        {
            var db = back.GetDatabase(name);
            var verified = await db.VerifyAsync();
            Assert.True(verified.Ok, string.Join("; ", verified.Problems));
            foreach (var id in before[name]) Assert.True(await db.GetAsync("orders", id) is not null, $"{name}/orders/{id} was acknowledged before the backup began but is not in it");
            // Fenced: it may have signed later commits in this database before it was lost.
            Assert.True(back.AwaitsCatchUp(name));
            var refused = await Assert.ThrowsAsync<ReplicaRestoredException>(() => db.PutJsonAsync("orders", "after", "{}"));
            Assert.Equal(ErrorCodes.ReplicaRestored, refused.Code);
        }
    }

    [Fact]
    public async Task A_restored_replica_does_not_reuse_the_seq_of_its_own_commits_a_peer_holds()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup");
        await using var peer = Replica.OpenInMemory();
        var peerShop = await peer.CreateDatabaseAsync("shop");
        string did;
        long signed;
        await using (var replica = await Replica.OpenAsync(data))
        {
            did = replica.Did;
            var shop = await replica.CreateDatabaseAsync("shop");
            for (int i = 0; i < 3; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await replica.BackupAsync(backup);
            // Signed after the backup, and synced to the peer before the replica was lost.
            for (int i = 3; i < 6; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await shop.SyncWithAsync(peerShop).WaitAsync(TimeSpan.FromSeconds(20));
            signed = (await shop.InfoAsync()).Clock[did];
        }
        Assert.Equal(signed, (await peerShop.InfoAsync()).Clock[did]);

        // The control: restored without the fence, the replica at once signs a seq the peer already holds
        // another commit of its for (a fork of its history).
        string careless = Path.Combine(folder.Path, "careless");
        await Replica.RestoreAsync(backup, careless, fence: false);
        await using (var unfenced = await Replica.OpenAsync(careless))
        {
            var shop = unfenced.GetDatabase("shop");
            Assert.False(unfenced.AwaitsCatchUp("shop"));
            await shop.PutJsonAsync("orders", "fork", "{}");
            Assert.True((await shop.InfoAsync()).Clock[did] <= signed, "the careless restore should reuse a seq the peer holds");
        }

        string restored = Path.Combine(folder.Path, "restored");
        await Replica.RestoreAsync(backup, restored);
        await using (var back = await Replica.OpenAsync(restored))
        {
            var shop = back.GetDatabase("shop");
            Assert.True((await shop.InfoAsync()).Clock[did] < signed);
            await Assert.ThrowsAsync<ReplicaRestoredException>(() => shop.PutJsonAsync("orders", "too-soon", "{}"));

            // Synced with the peer, it holds its own later commits again, and goes on after them.
            await shop.SyncWithAsync(peerShop).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.False(back.AwaitsCatchUp("shop"));
            Assert.Equal(signed, (await shop.InfoAsync()).Clock[did]);
            await shop.PutJsonAsync("orders", "next", "{}");
            Assert.Equal(signed + 1, (await shop.InfoAsync()).Clock[did]);
            await shop.SyncWithAsync(peerShop).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(signed + 1, (await peerShop.InfoAsync()).Clock[did]);
            var verified = await peerShop.VerifyAsync();
            Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        }

        // What was lifted stays lifted across a restart.
        await using (var again = await Replica.OpenAsync(restored))
        {
            Assert.False(again.AwaitsCatchUp("shop"));
            await again.GetDatabase("shop").PutJsonAsync("orders", "after-restart", "{}");
        }
    }

    [Fact]
    public async Task Backing_up_into_a_folder_that_is_not_empty_is_refused_and_changes_nothing()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), target = Path.Combine(folder.Path, "target");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        await using var replica = await Replica.OpenAsync(data);
        await replica.CreateDatabaseAsync("shop");
        var e = await Assert.ThrowsAsync<BackupFolderException>(() => replica.BackupAsync(target));
        Assert.Equal(ErrorCodes.FolderNotEmpty, e.Code);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        var inside = await Assert.ThrowsAsync<InvalidInputException>(() => replica.BackupAsync(Path.Combine(data, "backup")));
        Assert.Equal(ErrorCodes.InvalidValue, inside.Code);
        await using var memory = Replica.OpenInMemory();
        await Assert.ThrowsAsync<InvalidInputException>(() => memory.BackupAsync(Path.Combine(folder.Path, "memory")));
    }

    [Fact]
    public async Task Restoring_from_a_folder_that_is_not_a_backup_or_into_one_that_is_not_empty_is_refused()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup");
        await using (var replica = await Replica.OpenAsync(data))
        {
            await replica.CreateDatabaseAsync("shop");
            await replica.BackupAsync(backup);
        }
        // A replica's own folder is not a backup; nor is a folder that does not exist.
        foreach (var notBackup in new[] { data, Path.Combine(folder.Path, "absent") })
        {
            var e = await Assert.ThrowsAsync<BackupFolderException>(() => Replica.RestoreAsync(notBackup, Path.Combine(folder.Path, "out")));
            Assert.Equal(ErrorCodes.NotABackup, e.Code);
        }
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
        var full = await Assert.ThrowsAsync<BackupFolderException>(() => Replica.RestoreAsync(backup, data));
        Assert.Equal(ErrorCodes.FolderNotEmpty, full.Code);
    }
}
