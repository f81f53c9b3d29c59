using Microsoft.Extensions.Logging;
using Causeway.Clocks;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>A continuous session this replica keeps open to a peer: it connects, syncs, and when the
/// link breaks for any reason it reconnects with exponential backoff (250 ms doubling to 30 s, with
/// jitter from the replica's random source, waits on the replica's time), resuming from version
/// vectors. Disposing it ends the link.</summary>
public sealed class PeerLink : IAsyncDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly PeerEntry _entry;
    private readonly PeerTable _table;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly Microsoft.Extensions.Logging.ILogger _log;
    private readonly string _remote;

    /// <param name="newSession">Makes the initiating session of each attempt.</param>
    internal PeerLink(PeerTable table, Func<SyncSession> newSession, Func<CancellationToken, Task<ISyncChannel>> connect, string remote, SyncDirection direction,
        TimeProvider time, RandomSource random, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _remote = remote;
        _table = table;
        _time = time;
        _random = random;
        _entry = _table.Add(remote, "outbound", direction, SyncMode.Continuous, this);
        Id = _entry.Id;
        _run = Task.Run(() => RunAsync(newSession, connect));
    }

    /// <summary>The session's id in the peers list.</summary>
    public string Id { get; }

    public PeerStatus Status => _entry.Status();

    private async Task RunAsync(Func<SyncSession> newSession, Func<CancellationToken, Task<ISyncChannel>> connect)
    {
        int failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            _entry.State = "connecting";
            _entry.Attempts++;
            try
            {
                var channel = await connect(_stop.Token).ConfigureAwait(false);
                var session = newSession();
                _entry.Session = session;
                await SyncConnection.RunAsync(session, channel, SyncMode.Continuous, s =>
                {
                    if (!s.Established) return;
                    if (_entry.State != "live") _log.LogInformation("Sync link {Session} with {Remote} is live", Id, _remote);
                    _entry.State = "live";
                    failures = 0;
                }, _stop.Token).ConfigureAwait(false);
                if (_stop.IsCancellationRequested) break;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is CausewayException or OperationCanceledException)
            {
                _entry.LastError = e.Message;
            }
            _entry.State = "backing-off";
            var delay = TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, failures)) * (0.5 + _random.NextDouble() / 2));
            // The first failure after a success is a warning; the retries that follow it are detail.
            _log.Log(failures++ == 0 ? Microsoft.Extensions.Logging.LogLevel.Warning : Microsoft.Extensions.Logging.LogLevel.Debug,
                "Sync link {Session} with {Remote} is down ({Error}); retrying in {Delay} ms", Id, _remote, _entry.LastError ?? "closed", (int)delay.TotalMilliseconds);
            try { await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        _entry.State = "stopped";
        _log.LogInformation("Sync link {Session} with {Remote} stopped", Id, _remote);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        await _run.ConfigureAwait(false);
        _table.Remove(_entry);
        _stop.Dispose();
    }
}
