using System.Text.RegularExpressions;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway demo exchange</c> as a process: players buy animals from each other on three
/// replicas while links are cut and healed, and the run ends by checking the four promises; with
/// <c>--functions</c> each purchase is a call of a stored function made with a call-only key.</summary>
public sealed class ExchangeDemoTests
{
    // A seed whose runs both complete purchases and see purchases refused for want of rights.
    private const int Seed = 11;
    private const int Rounds = 30;

    [Fact]
    public async Task The_exchange_keeps_its_four_promises_and_the_same_seed_plays_the_same_plan()
    {
        string[] args = ["demo", "exchange", "--seed", $"{Seed}", "--rounds", $"{Rounds}"];
        var runs = await Task.WhenAll(CliProcess.RunAsync(args), CliProcess.RunAsync(args));

        foreach (var (exit, output, error) in runs)
        {
            Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
            Assert.Equal("", error);
            Assert.Contains($"seed {Seed}, {Rounds} rounds on three replicas, each purchase a transaction on the buyer's replica", output);
            Assert.DoesNotContain("Call-only keys", output);
            Assert.DoesNotContain("Stored function:", output);
            Assert.Equal(Rounds, Regex.Matches(output, @"^round \d+: ", RegexOptions.Multiline).Count);

            var purchases = Match(output, @"^Purchases: (\d+) attempted, (\d+) succeeded, (\d+) refused for rights \((\d+) of them waits that timed out");
            long attempted = purchases[0], succeeded = purchases[1], refusedForRights = purchases[2], timedOut = purchases[3];
            Assert.InRange(attempted, 2 * Rounds, 4 * Rounds);
            Assert.True(succeeded > 0, output);
            Assert.True(refusedForRights > 0, output);
            Assert.InRange(timedOut, 0, refusedForRights);

            long lowest = Match(output, @"^holds  \(1\) no balance went negative: the lowest balance any replica showed after any round was (-?\d+)")[0];
            Assert.True(lowest >= 0);
            var sold = Match(output, @"^holds  \(2\) no item was sold twice: (\d+) purchases of 6 items over (\d+) listings, never more than one a listing on any replica; available stayed within 0\.\.1");
            Assert.Equal(succeeded, sold[0]);
            Assert.True(sold[0] <= sold[1]);
            Assert.Matches(new Regex(@"^holds  \(3\) credits were conserved: 300 on A, 300 on B, 300 on C ", RegexOptions.Multiline), output);
            long documents = Match(output, @"^holds  \(4\) all replicas converged: the same heads and the same (\d+) documents on A, B, C; \d+ commits each; verify ok on each$")[0];
            Assert.Equal(3 + 6 + succeeded, documents);   // players, items, one purchase each
            Assert.Contains("All four promises held", output);
        }

        // The seed decides the prices, the partitions and the purchases attempted; what the racing replicas make of them is timing.
        Assert.Equal(Line(runs[0].Out, "Plan (the same for the same seed): "), Line(runs[1].Out, "Plan (the same for the same seed): "));
        Assert.Equal(Line(runs[0].Out, "Listed "), Line(runs[1].Out, "Listed "));
        Assert.True(Match(runs[0].Out, @"^Plan .* (\d+) partitions made")[0] > 0);
    }

    [Fact]
    public async Task With_functions_every_purchase_is_a_call_of_purchase_by_a_key_refused_anything_else()
    {
        const int rounds = 12;
        var (exit, output, error) = await CliProcess.RunAsync(["demo", "exchange", "--functions", "--seed", $"{Seed}", "--rounds", $"{rounds}"]).WaitAsync(TimeSpan.FromSeconds(110));

        Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
        Assert.Equal("", error);
        Assert.Contains($"seed {Seed}, {rounds} rounds on three replicas, each purchase a call of the stored function 'purchase' on the buyer's site's server (replay with --seed {Seed} --functions)", output);
        Assert.Matches(new Regex(@"^Call-only keys: each player's key \(/fn/call on 'purchase' only\) was refused on their own site's server a PATCH of their own balance and a call of 'payout': 6 × 403 forbidden\.$", RegexOptions.Multiline), output);
        Assert.Equal(rounds, Regex.Matches(output, @"^round \d+: ", RegexOptions.Multiline).Count);

        long succeeded = Match(output, @"^Purchases: \d+ attempted, (\d+) succeeded")[0];
        Assert.True(succeeded > 0, output);
        // Each purchase made by a call leaves its call record on every replica, naming the buyer's key.
        var calls = Match(output, @"^Stored function: (\d+) purchases, each a call of 'purchase' by its buyer's call-only key; call records \(_calls\): (\d+) on A, (\d+) on B, (\d+) on C, each naming its buyer's key as caller\.$");
        Assert.All(calls, count => Assert.Equal(succeeded, count));
        Assert.Equal(succeeded, Match(output, @"^holds  \(2\) no item was sold twice: (\d+) purchases")[0]);
        Assert.Matches(new Regex(@"^holds  \(3\) credits were conserved: 300 on A, 300 on B, 300 on C ", RegexOptions.Multiline), output);
        Assert.Contains("All four promises held", output);
    }

    [Fact]
    public async Task A_bad_round_count_is_one_line_on_stderr_and_exit_code_2()
    {
        var (exit, output, error) = await CliProcess.RunAsync(["demo", "exchange", "--rounds", "0"]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--rounds", error);
    }

    private static long[] Match(string output, string pattern)
    {
        var match = Regex.Match(output, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no line matches {pattern} in:\n{output}");
        return [.. match.Groups.Values.Skip(1).Select(g => long.Parse(g.Value))];
    }

    private static string Line(string output, string start) => output.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal));
}
