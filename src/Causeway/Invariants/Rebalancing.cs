using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Moves rights over bounded counters on before anyone asks: weighs who spends each counter
/// how fast (from the spend log), and hands rights from this replica to those spending faster than
/// their share. Runs on a timer, or one round at a time when called.</summary>
internal sealed class Rebalancing
{
    private readonly StoredDatabase _db;
    private readonly Holdings _holdings;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly Task? _loop;
    private Task _waitingOn = Task.CompletedTask;
    private readonly Dictionary<(string Collection, string Id, string Path, BoundSide Side), Dictionary<string, double>> _rates = [];
    private long _rebalanced;

    /// <summary>How much each earlier spend still weighs when a new one comes: recent spending counts most.</summary>
    private const double Decay = 0.95;

    /// <param name="interval">How often, at most, rights move on by themselves (null: only when <see cref="RebalanceAsync(CancellationToken)"/> is called).</param>
    public Rebalancing(StoredDatabase db, Holdings holdings, TimeSpan? interval, TimeProvider time)
    {
        _db = db;
        _holdings = holdings;
        _time = time;
        if (interval is { } every) _loop = LoopAsync(every);
    }

    /// <summary>Rights handed on, unasked.</summary>
    public long Rebalanced => Interlocked.Read(ref _rebalanced);

    /// <summary>See <see cref="Reservations.RebalanceAsync"/>.</summary>
    public async Task<int> RebalanceAsync(CancellationToken cancellation)
    {
        var spends = SpendLog.Of(_db.Runtime).Drain();
        var touched = new HashSet<(string, string, string, BoundSide)>();
        lock (_rates)
        {
            foreach (var spend in spends)
            {
                var key = (spend.Collection, spend.Id, spend.Path, spend.Side);
                if (!_rates.TryGetValue(key, out var rates)) _rates[key] = rates = new(StringComparer.Ordinal);
                foreach (var replica in rates.Keys.ToList()) rates[replica] *= Decay;
                rates[spend.Replica] = rates.GetValueOrDefault(spend.Replica) + spend.Amount;
                if (spend.Replica != _db.ReplicaDid) touched.Add(key);
            }
        }
        int transfers = 0;
        // In a fixed order (a set's follows string hashes, which differ between processes), so a run replays.
        foreach (var key in touched.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
                     .ThenBy(k => k.Item3, StringComparer.Ordinal).ThenBy(k => k.Item4))
        {
            Dictionary<string, double> rates;
            lock (_rates) rates = new(_rates[key], StringComparer.Ordinal);
            transfers += await RebalanceAsync(key, rates, cancellation).ConfigureAwait(false);
        }
        return transfers;
    }

    private async Task<int> RebalanceAsync((string Collection, string Id, string Path, BoundSide Side) key, Dictionary<string, double> rates, CancellationToken cancellation)
    {
        var what = new Reservation(Reservation.Rights, key.Collection, key.Id, key.Path, key.Side, 1);
        var (rule, held) = _holdings.RightsHeld(what);
        if (rule is null || held <= 0 || (key.Side == BoundSide.Lower ? rule.Min : rule.Max) is null) return 0;
        var counter = _db.ReadVersion(key.Collection, key.Id, _db.Position)?.State.Fields.FieldAt(key.Path.Split('.'))?.BCounter;
        if (counter is null) return 0;
        string me = _db.ReplicaDid, home = _db.SchemaAt(_db.Position).Schema.Home ?? me;
        Int128 Rights(string replica) => BoundRules.Held(counter, replica, home, key.Side, rule.Min, rule.Max);
        // All rights there are: the counter's distance from its bound.
        var total = key.Side == BoundSide.Lower ? counter.ExactValue - (rule.Min ?? 0) : (rule.Max ?? 0) - counter.ExactValue;
        double spent = rates.Values.Sum();
        if (total <= 0 || spent <= 0) return 0;
        Int128 Share(string replica) => (Int128)((double)total * rates.GetValueOrDefault(replica) / spent);
        int transfers = 0;
        foreach (var (replica, _) in rates.OrderByDescending(r => r.Value))
        {
            if (replica == me) continue;
            // Give only from well above one's own share, so two replicas do not hand rights back and forth.
            Int128 share = Share(replica), theirs = Rights(replica), spare = held - Share(me) * 3 / 2;
            if (theirs * 2 >= share || spare <= 0) continue;
            var amount = (long)Int128.Min(Int128.Min(spare, share - theirs), long.MaxValue);
            if (amount <= 0) continue;
            try
            {
                await _db.CommitSystemAsync(key.Collection, key.Id, new DocumentIntent.TransferRights(key.Path, replica, key.Side, amount), cancellation).ConfigureAwait(false);
            }
            catch (InsufficientRightsException) { break; }   // spent here meanwhile
            held -= amount;
            transfers++;
            Interlocked.Add(ref _rebalanced, amount);
        }
        return transfers;
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        var stop = _stop.Token;
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Parked on the signal itself, not on its WaitAsync wrapper, which completes a moment
                // later: the loop counts as running from the instant a spend is logged.
                await Parked(SpendLog.Of(_db.Runtime).Logged).WaitAsync(stop).ConfigureAwait(false);
                await Parked(Task.Delay(interval, _time, stop)).ConfigureAwait(false);
                if (_db.Runtime.Dropped) return;
                await RebalanceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (CausewayException) { /* closing, dropped or short: the next spend tries again */ }
        }
    }

    /// <summary>True while the timed loop waits (for a spend, or for its interval) rather than runs:
    /// the simulator moves on only when the work a timer started has run.</summary>
    public bool Idle => _loop is null || _loop.IsCompleted || !Volatile.Read(ref _waitingOn).IsCompleted;

    private Task Parked(Task wait)
    {
        Volatile.Write(ref _waitingOn, wait);
        return wait;
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }
}
