using System.Collections.Concurrent;
using Causeway.Invariants;

namespace Causeway.Replication;

/// <summary>The reservation exchange over one session, between its frames and this replica's
/// <see cref="Reservations"/>: answers the peer's asks (at once, or later through the outbox when the
/// answer waits on a relay), hands the peer's answers on, and queues this replica's asks (from any
/// thread) for the next pump.</summary>
internal sealed class ReservationExchange(Reservations reservations, IReservationPeer peer)
{
    private readonly ConcurrentQueue<SyncFrame> _outbox = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Send"/> queued something.</summary>
    public Task Outgoing => _signal.Task;

    /// <summary>Queues a frame for the next pump; safe from any thread.</summary>
    public void Send(SyncFrame frame)
    {
        _outbox.Enqueue(frame);
        _signal.TrySetResult();
    }

    /// <summary>Moves the queued frames to <paramref name="frames"/>.</summary>
    public void Drain(List<SyncFrame> frames)
    {
        // Reset before draining: a frame queued meanwhile signals the new one, never a stale one.
        if (_signal.Task.IsCompleted) _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
        while (_outbox.TryDequeue(out var queued)) frames.Add(queued);
    }

    /// <summary>The session is established: this replica may ask the peer.</summary>
    public void Attach() => reservations.Attach(peer);

    /// <summary>The session is established and this side sends: hand the peer what it should hold
    /// before it needs it. Runs before the first batch, so its grants travel in this session.</summary>
    public Task WelcomeAsync(CancellationToken cancellation) => peer.PeerDid is { } did ? reservations.WelcomeAsync(did, cancellation) : Task.CompletedTask;

    /// <summary>The session is over: this replica stops asking the peer for anything.</summary>
    public void Close() => reservations.Detach(peer);

    public void Ask(Ask ask) => Send(new AskFrame(ask.Id, ask.What, ask.Relayed));

    public async Task<IReadOnlyList<SyncFrame>> OnAskAsync(AskFrame ask, CancellationToken cancellation)
    {
        // Usually answered at once (a grant is one local commit); one that has to be relayed
        // is answered later, through the outbox, so this session keeps flowing meanwhile.
        reservations.AnswerStarted();
        Task<Answer> answering;
        try { answering = reservations.AnswerAsync(peer, new Ask(ask.Id, ask.What, ask.Relayed), cancellation); }
        catch { reservations.AnswerEnded(); throw; }
        if (answering.IsCompleted)
        {
            try { return [ToFrame(await answering.ConfigureAwait(false))]; }
            finally { reservations.AnswerEnded(); }
        }
        _ = answering.ContinueWith(t =>
        {
            try { if (t.IsCompletedSuccessfully) Send(ToFrame(t.Result)); }
            finally { reservations.AnswerEnded(); }
        }, TaskScheduler.Default);
        return [];
    }

    public void OnAnswer(AnswerFrame answer) => reservations.Answered(peer, new Answer(answer.Id, answer.Granted, answer.Commit, answer.Code, answer.Detail));

    private static AnswerFrame ToFrame(Answer answer) => new(answer.Id, answer.Granted, answer.Commit, answer.Code, answer.Detail);
}
