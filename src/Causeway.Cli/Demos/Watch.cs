namespace Causeway.Cli.Demos;

/// <summary>What every replica showed after every round: the lowest balance of any player and the
/// range <c>available</c> moved in, as read back from the engine.</summary>
internal sealed class Watch
{
    public long LowestBalance { get; private set; } = long.MaxValue;
    public string LowestBalanceWhere { get; private set; } = "";
    public long LowestAvailable { get; private set; } = long.MaxValue;
    public long HighestAvailable { get; private set; } = long.MinValue;
    public int Reads { get; private set; }

    public async Task ObserveAsync(Market market, int round, CancellationToken cancellation)
    {
        foreach (var site in market.Sites)
        {
            foreach (var (player, credits) in await market.BalancesOnAsync(site, cancellation))
            {
                Reads++;
                if (credits >= LowestBalance) continue;
                LowestBalance = credits;
                LowestBalanceWhere = $"{player.Name} on {site.Name}, round {round}";
            }
            foreach (var item in await market.ItemsOnAsync(site, cancellation))
            {
                Reads++;
                LowestAvailable = Math.Min(LowestAvailable, item.Available);
                HighestAvailable = Math.Max(HighestAvailable, item.Available);
            }
        }
    }
}
