using System.CommandLine;
using Causeway.Errors;
using Spectre.Console;

namespace Causeway.Cli.Demos;

/// <summary><c>causeway demo exchange</c>: the Animal Exchange on three replicas with random partitions
/// and concurrent purchases, then the four promises checked: no balance went negative, no item was
/// sold twice, credits were conserved, the replicas converged. Exit 0 when all hold, 1 otherwise.
/// With <c>--functions</c>, each purchase is a call of the stored function <c>purchase</c> on the
/// buyer's site's server, made with a key that may call nothing else (and the run fails if such a key
/// is not refused the rest).</summary>
internal static class ExchangeCommand
{
    public const int DefaultRounds = 200;

    public static Command Create()
    {
        var seed = new Option<int?>("--seed") { Description = "Seed of the random partitions and purchases (default: a random one, printed so a run can be replayed)." };
        var rounds = new Option<int>("--rounds") { Description = "How many rounds of concurrent purchases.", DefaultValueFactory = _ => DefaultRounds };
        var keep = new Option<bool>("--keep") { Description = "Keep the replicas' folder afterwards (it is deleted by default)." };
        var functions = new Option<bool>("--functions") { Description = "Buy by calling the stored function 'purchase' on each site's server, with call-only keys, instead of a transaction on the replica." };
        var command = new Command("exchange", "Players buy animals from each other on three replicas while links are cut and healed; then check that the engine kept every promise.") { seed, rounds, keep, functions };
        command.SetAction((result, cancellation) =>
        {
            int count = result.GetValue(rounds);
            if (count is < 1 or > 100_000) throw new InvalidInputException(ErrorCodes.InvalidValue, $"--rounds is from 1 to 100000; got {count}.");
            return RunAsync(result.GetValue(seed) ?? Random.Shared.Next(), count, result.GetValue(keep), result.GetValue(functions), cancellation);
        });
        return command;
    }

    private static async Task<int> RunAsync(int seed, int rounds, bool keep, bool functions, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-exchange-" + Guid.NewGuid().ToString("n")[..8]);
        var options = new ExchangeOptions(seed, rounds, folder, functions);
        string mode = functions ? $"each purchase a call of the stored function '{PurchaseFunction.Name}' on the buyer's site's server" : "each purchase a transaction on the buyer's replica";
        Say($"[bold]The Animal Exchange[/]: seed [blue]{seed}[/], {rounds} rounds on three replicas, {mode} (replay with --seed {seed}{(functions ? " --functions" : "")}).");
        try
        {
            ExchangeResult result;
            await using (var exchange = await AnimalExchange.OpenAsync(options, Plain, cancellation))
            {
                if (exchange.CallOnly is { Refused: false } check)
                {
                    Console.Error.WriteLine($"causeway: {check.Line}");
                    return 1;
                }
                await PlayAsync(exchange, rounds, cancellation);
                result = await exchange.FinishAsync(cancellation);
            }
            Report(result);
            if (result.Held) return 0;
            Console.Error.WriteLine($"causeway: the exchange broke a promise: {result.Guarantees.First(g => !g.Holds)}");
            return 1;
        }
        finally
        {
            if (keep) Plain($"Kept {folder}.");
            else try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Under a progress bar when a person watches a terminal, a line a round otherwise.</summary>
    private static async Task PlayAsync(AnimalExchange exchange, int rounds, CancellationToken cancellation)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            await exchange.PlayAsync(new RoundLines(exchange.Sites), cancellation);
            return;
        }
        await AnsiConsole.Progress().StartAsync(async context =>
            await exchange.PlayAsync(new RoundBar(context.AddTask("rounds", maxValue: rounds)), cancellation));
    }

    private static void Report(ExchangeResult result)
    {
        var t = result.Tally;
        Plain($"Plan (the same for the same seed): seed {result.Options.Seed}, {result.Options.Rounds} rounds, {t.Attempted} purchases attempted, "
            + $"{t.Partitions} partitions made, {t.Heals} healed, {t.WholeRounds} rounds with every link up.");
        Plain($"Purchases: {t.Attempted} attempted, {t.Bought} succeeded, {t.RefusedForRights} refused for rights ({t.Of(Outcome.RightsWaitTimedOut)} of them waits that timed out; {t.RefusedForRightsWhole} while every link was up), "
            + $"{t.RefusedByMarket} refused by the market ({t.Of(Outcome.NotForSale)} not for sale, {t.Of(Outcome.OwnItem)} already theirs, {t.Of(Outcome.TooPoor)} too poor), {t.Of(Outcome.Refused)} refused otherwise.");
        Plain($"Relisted {t.Relisted} times ({t.RelistsRefused} refused); rights transfers: {result.RightsAsked} asked, {result.RightsGranted} granted.");
        Plain($"Waits for rights last at most {Purchase.RightsWait.TotalMilliseconds:0} ms: the longest that timed out took {t.LongestWait.TotalMilliseconds:0} ms; "
            + $"{t.Stale} purchases committed after their item had changed hands since they read it.");
        if (result.Calls is { } calls)
        {
            var strays = calls.Where(c => c.ByBuyer != c.Records).ToList();
            Plain($"Stored function: {t.Bought} purchases, each a call of '{PurchaseFunction.Name}' by its buyer's call-only key; call records (_calls): "
                + $"{string.Join(", ", calls.Select(c => $"{c.Records} on {c.Site}"))}, "
                + (strays.Count == 0 ? "each naming its buyer's key as caller." : $"of them naming their buyer's key: {string.Join(", ", strays.Select(c => $"only {c.ByBuyer} on {c.Site}"))}."));
        }
        foreach (var g in result.Guarantees)
            Say((g.Holds ? "[green]holds[/]  " : "[red]BROKEN[/] ") + Markup.Escape(g.ToString()));
        Say(result.Held
            ? $"[green]All four promises held[/] ({result.Elapsed.TotalSeconds:0.0} s)."
            : $"[red]{result.Guarantees.Count(g => !g.Holds)} of the four promises broke[/] ({result.Elapsed.TotalSeconds:0.0} s).");
    }

    /// <summary>A line of plain text: never read as markup, never wrapped (a piped line stays whole for scripts).</summary>
    internal static void Plain(string text) => Console.Out.WriteLine(text);

    /// <summary>A line of markup: in colour on a terminal; piped, as plain text on one line.</summary>
    private static void Say(string markup)
    {
        if (Console.IsOutputRedirected) Plain(Markup.Remove(markup));
        else AnsiConsole.MarkupLine(markup);
    }
}
