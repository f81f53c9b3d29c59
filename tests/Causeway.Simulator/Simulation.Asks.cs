using System.Diagnostics;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Replication;

namespace Causeway.Simulator;

/// <summary>Asks for rights, as the engine exchanges them over the sessions. A replica asked for
/// rights it holds too few of relays the ask to its other peers and answers only when their answers
/// (and grants) have come: <see cref="SyncSession.ReceiveAsync"/> does not return until then. The
/// simulator drives that session side as <see cref="SyncConnection"/> would: it is busy, takes and
/// sends nothing, and the rest of the run goes on, which is what brings the relay its answers.
/// The engine finishes asks on threads of the pool; after every step the simulator waits until that
/// work has run (<see cref="ReservationsProbe.Quiet"/>), and a replica answers one relayed ask at a
/// time (further asks to it wait on the wire), so two grants of one replica never race and a seed
/// still replays exactly. The engine gives up on an unanswered ask after
/// <see cref="Reservations.RelayTimeout"/> of real time, which a run never reaches: a session busy
/// for that long in virtual time has its replica's links reset (closed, which ends every ask it
/// made, and reopened), as a driver gives up on peers that stopped answering.</summary>
public sealed partial class Simulation
{
    /// <summary>Longest the engine may take, in real time, over anything that does not wait on the network.</summary>
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(10);

    /// <summary>Longest the engine may take, in real time, to finish what an ask started once nothing holds it up.</summary>
    private static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(2);

    private readonly List<Answer> _busy = [];
    private long _relays, _expired;

    /// <summary>A session side answering an ask it relayed: the answer comes when <see cref="WaitsOn"/>
    /// (the relayed ask, or an ask of the replica's own it shares) has ended.</summary>
    private sealed class Answer(SessionPair pair, SimulatedLink link, bool acceptorSide, int replica, AskFrame ask,
        Task<IReadOnlyList<SyncFrame>> receive, Task<AskOutcome> waitsOn, long since)
    {
        public SessionPair Pair { get; } = pair;
        public SimulatedLink Link { get; } = link;
        public bool AcceptorSide { get; } = acceptorSide;
        public int Replica { get; } = replica;
        public AskFrame Ask { get; } = ask;
        public Task<IReadOnlyList<SyncFrame>> Receive { get; } = receive;
        public Task<AskOutcome> WaitsOn { get; } = waitsOn;
        public long Since { get; set; } = since;
    }

    private void Answering(SessionPair pair, SimulatedLink link, bool acceptorSide, AskFrame ask, Task<IReadOnlyList<SyncFrame>> receive, Task<AskOutcome> waitsOn)
    {
        int replica = acceptorSide ? link.Acceptor : link.Initiator;
        _relays++;
        _busy.Add(new Answer(pair, link, acceptorSide, replica, ask, receive, waitsOn, _now));
        Trace($"replica {replica} relays ask #{ask.Id} on {link}: that side waits for the answers");
    }

    private bool Busy(SessionPair pair, bool acceptorSide) => _busy.Count > 0 && _busy.Exists(b => b.Pair == pair && b.AcceptorSide == acceptorSide);

    /// <summary>Whether a frame can be delivered now: not to a busy side, and no ask to a replica that is answering one.</summary>
    private bool Takes(SimulatedLink link, FrameInFlight frame)
    {
        if (_busy.Count == 0) return true;
        if (_sessions[link.Index] is { } pair && Busy(pair, frame.ToAcceptor)) return false;
        int to = frame.ToAcceptor ? link.Acceptor : link.Initiator;
        return !frame.IsAsk || !_busy.Exists(b => b.Replica == to);
    }

    /// <summary>Waits until the engine's own work has run: every ask has ended or waits on the
    /// network, and every relayed answer that can go on has; then sends the answers that are ready.</summary>
    private async Task QuietAsync()
    {
        var clock = Stopwatch.StartNew();
        for (int spin = 0; !Quiet(); spin++)
        {
            if (clock.Elapsed > QuietAfter)
                throw new CheckFailedException(FailureKind.Stall, $"the engine's asks did not settle within {QuietAfter.TotalSeconds:0} s of real time{Stale()} "
                    + $"(replicas not quiet: {string.Join(", ", _replicas.Where(r => r.Up && !ReservationsProbe.Quiet(r.Database)).Select(r => $"{r.Index}: {ReservationsProbe.Describe(r.Database)}"))}; "
                    + $"answers going on: {string.Join(", ", _busy.Where(b => !b.Receive.IsCompleted && b.WaitsOn.IsCompleted).Select(b => $"#{b.Ask.Id} at {b.Replica}"))})");
            if (spin < 100) await Task.Yield();
            else await Task.Delay(1);
        }
        if (_busy.Count == 0) return;
        foreach (var answer in _busy.Where(b => b.Receive.IsCompleted).ToList())
        {
            _busy.Remove(answer);
            IReadOnlyList<SyncFrame> frames;
            try { frames = await answer.Receive; }
            catch (CausewayException e)
            {
                throw new CheckFailedException(FailureKind.Session, $"replica {answer.Replica} failed to answer ask #{answer.Ask.Id} on {answer.Link}: {e.Message}", e);
            }
            bool open = _sessions[answer.Link.Index] == answer.Pair;
            Trace($"replica {answer.Replica} answers ask #{answer.Ask.Id} on {answer.Link}: {string.Join(", ", frames.Select(Describe))}{(open ? "" : " (the session is gone)")}");
            if (open) Send(answer.Link, !answer.AcceptorSide, frames);
        }
    }

    /// <summary>Names an ask that ended but is still registered as in flight (so later asks for the same
    /// rights get its old answer instead of asking).</summary>
    private string Stale()
    {
        foreach (var replica in _replicas)
            if (replica.Up && ReservationsProbe.InFlight(replica.Database.Reservations).FirstOrDefault(e => e.Value.IsCompleted) is { Value: { } ended } stale)
                return $": replica {replica.Index}'s ask for {stale.Key} ended ({ended.Result.Code ?? "granted"}: {ended.Result.Detail}) but stays in flight";
        return "";
    }

    private bool Quiet()
    {
        foreach (var replica in _replicas)
            if (replica.Up && !ReservationsProbe.Quiet(replica.Database)) return false;
        foreach (var answer in _busy)
            if (!answer.Receive.IsCompleted && answer.WaitsOn.IsCompleted) return false;
        return true;
    }

    /// <summary>A replica that crashed answers nothing any more.</summary>
    private void Abandon(int replica) => _busy.RemoveAll(b => b.Replica == replica);

    /// <summary>Resets the links of every replica that has been answering a relayed ask for
    /// <see cref="Reservations.RelayTimeout"/> of virtual time (see the class summary).</summary>
    private async Task ExpireStuckAnswersAsync()
    {
        if (_busy.Count == 0) return;
        long timeout = (long)Reservations.RelayTimeout.TotalMilliseconds;
        foreach (var answer in _busy.Where(b => _now - b.Since >= timeout).ToList())
        {
            _expired++;
            var links = _network.Links.Where(l => l.Touches(answer.Replica) && _sessions[l.Index] is not null).ToList();
            Trace($"replica {answer.Replica} has waited {_now - answer.Since} ms to answer ask #{answer.Ask.Id}: reset its links");
            foreach (var link in links) Close(link);
            await QuietAsync();
            foreach (var link in links)
                if (_sessions[link.Index] is null && _replicas[link.Initiator].Up && _replicas[link.Acceptor].Up) Open(link);
            answer.Since = _now;   // still waiting if a grant it got has not arrived
        }
    }

    /// <summary>The result of engine work that waits on nothing the simulator drives; a stall if it never comes.</summary>
    private static async Task<T> Finished<T>(Task<T> task, string what)
    {
        if (task.IsCompleted) return await task;
        try { return await task.WaitAsync(StallAfter); }
        catch (TimeoutException)
        {
            throw new CheckFailedException(FailureKind.Stall, $"{what} did not return within {StallAfter.TotalSeconds:0} s of real time: it waits on something the simulator does not drive.");
        }
    }
}
