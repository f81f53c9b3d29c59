using System.Diagnostics;
using Causeway.Authority;
using Causeway.Replication;
using Causeway.Values;

namespace Causeway.Bench;

/// <summary>What authority costs replication: one delegated device writes 100,000 commits (one small
/// order each) into an OWNED database, with a 3-link chain (owner → org admin → shop admin → device),
/// then a fresh server syncs it all; the same with an OPEN database (no owner, no capability).
/// Servers on loopback, on disk (RocksDB), as in <see cref="SyncBenchmarks"/>. Each figure is
/// commits/s of the initial sync; the target is owned ≥ 90% of open. The full run syncs each five
/// times, in rounds of one owned and one open back to back (alternating which goes first), each onto a
/// fresh receiving server, and reports the medians: of each rate, and of the ratio within a round.</summary>
internal static class AuthorityBenchmarks
{
    private const string Owned = "shop";
    private const string Open = "open";

    public static async Task RunAsync(bool smoke, Table table)
    {
        int commits = smoke ? 2_000 : 100_000;
        int rounds = smoke ? 1 : 5;
        var document = ValueJson.Parse(CoreBenchmarks.DocumentJson());

        await using var source = await SyncBenchmarks.ServerAsync();
        using var owner = PrincipalKey.Create();
        using var orgAdmin = PrincipalKey.Create();
        using var shopAdmin = PrincipalKey.Create();
        string device = source.Replica.Did;
        var expires = DateTimeOffset.UtcNow.AddYears(1);
        Delegation[] chain =
        [
            Delegation.Create(owner, orgAdmin.Did, owner.Did, Commands.All, Scope.Database(Owned), expires),
            Delegation.Create(orgAdmin, shopAdmin.Did, owner.Did, "/doc", Scope.Collection(Owned, "orders"), expires),
            Delegation.Create(shopAdmin, device, owner.Did, Commands.DocWrite, Scope.IdPrefix(Owned, "orders", "dev1-"), expires),
        ];
        var owned = await source.Replica.CreateDatabaseAsync(Owned);
        owned.Capabilities.SetOwner(owner.Did);
        owned.Capabilities.UseProofs(chain);
        var open = await source.Replica.CreateDatabaseAsync(Open);

        var writeOpen = await WriteAsync(open, commits, document);
        var writeOwned = await WriteAsync(owned, commits, document);
        Console.WriteLine($"authority: the device wrote {commits:N0} commits owned at {Table.Rate(commits / writeOwned.TotalSeconds)}/s, open at {Table.Rate(commits / writeOpen.TotalSeconds)}/s");

        // Each sync onto a fresh server, the two kinds back to back (alternating which goes first), so
        // both of a round see the same load on this shared machine: the ratio is taken per round.
        var ownedRates = new List<double>();
        var openRates = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var rates = new Dictionary<string, double>();
            foreach (string name in round % 2 == 0 ? [Open, Owned] : new[] { Owned, Open })
            {
                await using var target = await SyncBenchmarks.ServerAsync();
                var (elapsed, bytes) = await InitialSyncAsync(source, target, name, commits, name == Owned ? owner.Did : null);
                rates[name] = commits / elapsed.TotalSeconds;
                Console.WriteLine($"authority: round {round + 1}, initial sync of {commits:N0} commits {(name == Owned ? "owned" : "open")}: {elapsed.TotalSeconds:N1} s ({Table.Rate(rates[name])} commits/s, {(double)bytes / commits:N0} B per commit on the wire)");
            }
            ownedRates.Add(rates[Owned]);
            openRates.Add(rates[Open]);
            ratios.Add(rates[Owned] / rates[Open]);
            Console.WriteLine($"authority: round {round + 1}, owned at {ratios[^1]:P0} of open");
        }
        table.Add($"initial sync, {commits:N0} commits by a device with a 3-link chain, owned", $"{Table.Rate(Rounds.Median(ownedRates))} commits/s",
            $"open {Table.Rate(Rounds.Median(openRates))} commits/s; target ≥ 90%", $"{Rounds.Median(ratios):P0}");
    }

    /// <summary>The device's commits: one small order per commit, from 64 writers, under its prefix.</summary>
    private static async Task<TimeSpan> WriteAsync(Database db, int commits, Value document)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, commits), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (i, ct) => await db.PutAsync("orders", $"dev1-{i}", document, ct));
        return clock.Elapsed;
    }

    /// <summary>The target server pulls <paramref name="name"/> once into an empty database (which
    /// adopts the owner from the source's hello), then holds exactly what the source holds.</summary>
    private static async Task<(TimeSpan Elapsed, long Bytes)> InitialSyncAsync(SyncBenchmarks.Server source, SyncBenchmarks.Server target, string name, int commits, string? owner)
    {
        var db = await target.Replica.CreateDatabaseAsync(name);
        var clock = Stopwatch.StartNew();
        var channel = await SyncDialer.ConnectAsync(source.Url, name, source.Token);
        var result = await db.SyncAsync(channel, SyncDirection.Pull, SyncMode.Once);
        clock.Stop();
        var info = await db.InfoAsync();
        if (info.Commits != commits || info.Documents != commits || !info.Heads.SequenceEqual((await source.Replica.GetDatabase(name).InfoAsync()).Heads))
            throw new InvalidOperationException($"The initial sync of '{name}' ended with {info.Commits} commits, {info.Documents} documents and other heads than the source.");
        if (db.Capabilities.Owner != owner)
            throw new InvalidOperationException($"'{name}' is owned by {db.Capabilities.Owner ?? "nobody"} after the sync, not {owner ?? "nobody"}.");
        return (clock.Elapsed, result.BytesReceived);
    }
}
