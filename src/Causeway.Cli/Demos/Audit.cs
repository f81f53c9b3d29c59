namespace Causeway.Cli.Demos;

/// <summary>One of the exchange's four promises, whether it held, and the numbers that show it.</summary>
internal sealed record Guarantee(int Number, string Promise, bool Holds, string Evidence)
{
    public override string ToString() => $"({Number}) {Promise}: {Evidence}";
}

/// <summary>Checks the four promises at the end of a run against what the engine stored and what the
/// replicas showed along the way. It checks; it never corrects.</summary>
internal static class Audit
{
    public static IReadOnlyList<Guarantee> Check(Market market, Tally tally, Watch watch, bool converged, IReadOnlyList<Snapshot> snapshots) =>
    [
        NoNegativeBalance(watch, snapshots),
        NothingSoldTwice(market, tally, watch, snapshots),
        CreditsConserved(market, snapshots),
        Converged(converged, snapshots),
    ];

    private static Guarantee NoNegativeBalance(Watch watch, IReadOnlyList<Snapshot> snapshots)
    {
        long lowestAtEnd = snapshots.SelectMany(s => s[ExchangeSchema.Players]).Min(p => p["credits"]!.AsInt());
        return new(1, "no balance went negative", watch.LowestBalance >= 0 && lowestAtEnd >= 0,
            $"the lowest balance any replica showed after any round was {watch.LowestBalance} ({watch.LowestBalanceWhere}), over {watch.Reads} reads; at the end {lowestAtEnd}");
    }

    private static Guarantee NothingSoldTwice(Market market, Tally tally, Watch watch, IReadOnlyList<Snapshot> snapshots)
    {
        var problems = new List<string>();
        foreach (var snapshot in snapshots)
        {
            var sold = snapshot[ExchangeSchema.Purchases].CountBy(p => p["item"]!.AsString()).ToDictionary();
            foreach (var item in market.Items)
            {
                int purchases = sold.GetValueOrDefault(item.Id), listings = tally.Listings.GetValueOrDefault(item.Id);
                if (purchases > listings) problems.Add($"{item.Name} was bought {purchases} times over {listings} listings on {snapshot.Site.Name}");
            }
            foreach (var item in snapshot[ExchangeSchema.Items])
                if (item["available"]!.AsInt() is var available and (< 0 or > 1)) problems.Add($"{item.Id} has available = {available} on {snapshot.Site.Name}");
            if (snapshot[ExchangeSchema.Purchases].Count != tally.Bought)
                problems.Add($"{snapshot.Site.Name} holds {snapshot[ExchangeSchema.Purchases].Count} purchases, not the {tally.Bought} made");
        }
        if (watch.LowestAvailable < 0 || watch.HighestAvailable > 1) problems.Add($"available was seen at {watch.LowestAvailable}..{watch.HighestAvailable}");
        return new(2, "no item was sold twice", problems.Count == 0, problems.Count > 0 ? string.Join("; ", problems)
            : $"{tally.Bought} purchases of {market.Items.Count} items over {tally.Listings.Values.Sum()} listings, never more than one a listing on any replica; "
              + $"available stayed within {watch.LowestAvailable}..{watch.HighestAvailable} on every replica after every round");
    }

    private static Guarantee CreditsConserved(Market market, IReadOnlyList<Snapshot> snapshots)
    {
        var totals = snapshots.Select(s => (s.Site.Name, Total: s[ExchangeSchema.Players].Sum(p => p["credits"]!.AsInt()))).ToList();
        return new(3, "credits were conserved", totals.All(t => t.Total == market.TotalCredits),
            $"{string.Join(", ", totals.Select(t => $"{t.Total} on {t.Name}"))} (started with {market.Sites.Count} × {Market.StartingCredits} = {market.TotalCredits})");
    }

    private static Guarantee Converged(bool converged, IReadOnlyList<Snapshot> snapshots)
    {
        bool same = snapshots.Select(s => s.Heads).Distinct().Count() == 1 && snapshots.Select(s => s.Contents).Distinct().Count() == 1;
        bool verified = snapshots.All(s => s.Verify.Ok);
        string names = string.Join(", ", snapshots.Select(s => s.Site.Name));
        string evidence = !converged ? "the heads still differed when the wait for convergence ended"
            : !same ? $"the replicas {names} hold different data: {string.Join("; ", snapshots.Select(s => $"{s.Site.Name} {s.Documents} documents, {s.Commits} commits"))}"
            : $"the same heads and the same {snapshots[0].Documents} documents on {names}; {snapshots[0].Commits} commits each";
        string verify = verified ? "verify ok on each" : string.Join("; ", snapshots.Where(s => !s.Verify.Ok).Select(s => $"verify found {s.Verify.Problems.Count} problems on {s.Site.Name}: {s.Verify.Problems[0]}"));
        return new(4, "all replicas converged", converged && same && verified, $"{evidence}; {verify}");
    }
}
