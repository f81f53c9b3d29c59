namespace Causeway.Cli.Demos;

/// <summary>Someone who will try to buy this round: on which replica, whether they wait for rights,
/// and whether they race the others for the round's one contested item.</summary>
internal sealed record Shopper(Site Site, bool Patient, bool Racing);

/// <summary>What one round does: at most one link cut and one healed, then 2–4 concurrent purchases.
/// <see cref="ChoiceSeed"/> seeds the choices that depend on what the replicas see (which item to
/// buy, whether to relist), so that the plan itself depends only on the seed.</summary>
internal sealed record RoundPlan(int Round, Pair? Cut, Pair? Heal, IReadOnlyList<Shopper> Shoppers, int ChoiceSeed);

/// <summary>Draws every round from one seeded <see cref="Random"/>: the same seed gives the same
/// partitions and the same purchase attempts, whatever the timing of the replicas.</summary>
internal sealed class RoundPlanner(int seed)
{
    private readonly Random _random = new(seed);

    public RoundPlan Next(int round, Network network, IReadOnlyList<Site> sites)
    {
        var partitioned = network.Partitioned;
        var connected = network.Connected;
        Pair? heal = partitioned.Count > 0 && _random.Next(3) == 0 ? partitioned[_random.Next(partitioned.Count)] : null;
        Pair? cut = connected.Count > 0 && _random.Next(3) == 0 ? connected[_random.Next(connected.Count)] : null;
        var shoppers = new Shopper[2 + _random.Next(3)];
        for (int i = 0; i < shoppers.Length; i++)
            shoppers[i] = new Shopper(sites[_random.Next(sites.Count)], Patient: _random.Next(4) != 0, Racing: _random.Next(2) == 0);
        return new RoundPlan(round, cut, heal, shoppers, _random.Next());
    }
}
