using Spectre.Console;

namespace Causeway.Cli.Demos;

/// <summary>One plain line a round: the links changed, each order and how it ended, the relistings.</summary>
internal sealed class RoundLines(IReadOnlyList<Site> sites) : IRoundLog
{
    public void Round(RoundPlan plan, IReadOnlyList<Receipt> receipts, IReadOnlyList<string> relisted, Tally tally)
    {
        var parts = new List<string>();
        if (plan.Heal is { } heal) parts.Add($"heal {heal}");
        if (plan.Cut is { } cut) parts.Add($"cut {cut}");
        parts.AddRange(receipts.Select(Describe));
        parts.AddRange(relisted);
        ExchangeCommand.Plain($"round {plan.Round}: {string.Join(" | ", parts)}");
    }

    private string NameOf(string playerId) => sites.FirstOrDefault(s => s.Player.Id == playerId)?.Player.Name ?? playerId;

    private string Describe(Receipt r)
    {
        string who = $"{r.Order.Buyer.Name}@{r.Order.Site.Name} {r.Order.Item.Name}";
        return r.Outcome switch
        {
            Outcome.Bought => $"{who}: bought from {NameOf(r.Seller!)} for {r.Price}{(r.Stale ? ", who no longer owned it by the commit" : "")}",
            Outcome.NotForSale => $"{who}: not for sale",
            Outcome.OwnItem => $"{who}: already theirs",
            Outcome.TooPoor => $"{who}: too poor",
            Outcome.NoRights => $"{who}: no rights here, did not wait",
            Outcome.RightsWaitTimedOut => $"{who}: waited {r.Took.TotalMilliseconds:0} ms for rights, none came",
            _ => $"{who}: refused ({r.Code})",
        };
    }
}

/// <summary>A progress bar over the rounds, for a person watching a terminal.</summary>
internal sealed class RoundBar(ProgressTask task) : IRoundLog
{
    public void Round(RoundPlan plan, IReadOnlyList<Receipt> receipts, IReadOnlyList<string> relisted, Tally tally)
    {
        task.Increment(1);
        task.Description = $"round {plan.Round}: {tally.Bought} bought, {tally.RefusedForRights} refused for rights, {tally.Partitions} partitions";
    }
}
