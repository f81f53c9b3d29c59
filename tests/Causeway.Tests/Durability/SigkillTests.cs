using Causeway.Tests.Support;

namespace Causeway.Tests.Durability;

/// <summary>An acknowledged commit survives SIGKILL: a child process commits from 8 concurrent
/// writers (so group commit is exercised), is killed at a random moment, and every commit it
/// acknowledged is found after reopening the folder.</summary>
public sealed class SigkillTests
{
    [Fact]
    public async Task Every_acknowledged_commit_survives_sigkill_in_five_rounds()
    {
        using var folder = new TempFolder();
        var random = new Random(Environment.TickCount);
        int seed = random.Next();
        var rng = new Random(seed);
        var acknowledged = new List<(Causeway.Encoding.Cid Commit, string Collection, string Id)>();

        for (int round = 0; round < 5; round++)
        {
            using (var writer = new CrashWriterProcess(folder.Path))
            {
                await writer.WaitReadyAsync(TimeSpan.FromSeconds(60));
                await writer.WaitForAcksAsync(rng.Next(20, 400), TimeSpan.FromSeconds(60));
                await Task.Delay(rng.Next(0, 50));
                acknowledged.AddRange(writer.KillHard());
            }

            await using var replica = await Replica.OpenAsync(folder.Path);
            var db = replica.GetDatabase("crash");
            foreach (var (commit, collection, id) in acknowledged)
            {
                Assert.True(db.HasCommit(commit), $"round {round} (seed {seed}): acknowledged commit {commit} is missing");
                Assert.NotNull(await db.GetAsync(collection, id));
            }
            var report = await db.VerifyAsync();
            Assert.True(report.Ok, $"round {round} (seed {seed}): " + string.Join("; ", report.Problems));
        }
        Assert.True(acknowledged.Count >= 100, "the rounds acknowledged too few commits to mean anything");
    }
}
