namespace Causeway.Cli.Demos;

/// <summary>The counts of a run: what was attempted and how it ended, partitions made and healed (and
/// rounds played with every link up), and how many times each item was listed (first listing and
/// relistings).</summary>
internal sealed class Tally
{
    private readonly Dictionary<Outcome, int> _outcomes = [];

    public int Attempted { get; private set; }
    public int Partitions { get; private set; }
    public int Heals { get; private set; }
    public int WholeRounds { get; private set; }
    public int Relisted { get; private set; }
    public int RelistsRefused { get; private set; }
    public Dictionary<string, int> Listings { get; } = [];

    /// <summary>Purchases committed on a state newer than the one they read (see <see cref="Receipt.Stale"/>).</summary>
    public int Stale { get; private set; }

    /// <summary>The longest a wait for rights lasted before it ended in a refusal.</summary>
    public TimeSpan LongestWait { get; private set; }

    /// <summary>Refusals for rights in rounds played with every link up: no partition to blame.</summary>
    public int RefusedForRightsWhole { get; private set; }

    public int Of(Outcome outcome) => _outcomes.GetValueOrDefault(outcome);
    public int Bought => Of(Outcome.Bought);
    public int RefusedForRights => Of(Outcome.NoRights) + Of(Outcome.RightsWaitTimedOut);
    public int RefusedByMarket => Of(Outcome.NotForSale) + Of(Outcome.OwnItem) + Of(Outcome.TooPoor);

    /// <summary>A round begins after its links changed; <paramref name="whole"/> when every link is up.</summary>
    public void Round(bool cut, bool healed, bool whole)
    {
        if (cut) Partitions++;
        if (healed) Heals++;
        if (whole) WholeRounds++;
    }

    public void Listed(Item item) => Listings[item.Id] = Listings.GetValueOrDefault(item.Id) + 1;

    /// <summary>Counts an order's receipt; <paramref name="whole"/> when every link was up during its round.</summary>
    public void Count(Receipt receipt, bool whole)
    {
        Attempted++;
        _outcomes[receipt.Outcome] = Of(receipt.Outcome) + 1;
        if (whole && receipt.RefusedForRights) RefusedForRightsWhole++;
        if (receipt.Stale) Stale++;
        if (receipt.Outcome == Outcome.RightsWaitTimedOut && receipt.Took > LongestWait) LongestWait = receipt.Took;
    }

    public void Relist(Item item, bool done)
    {
        if (!done) { RelistsRefused++; return; }
        Relisted++;
        Listed(item);
    }
}
