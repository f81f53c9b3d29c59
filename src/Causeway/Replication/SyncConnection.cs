using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Replication;


/// <summary>Runs a <see cref="SyncSession"/> over a real <see cref="ISyncChannel"/>: one loop feeds
/// it the peer's frames, wakes it when the database changes or the retransmit timer is due (on the
/// replica's <see cref="ReplicaOptions.Time"/>), and writes what it answers. A refusal, either side's, is sent as an error frame and ends the session.
/// The reader decodes the peer's frames as they come and checks the commits in them (hashes and
/// signatures need no database), so the next frame is being checked while the one before is applied.</summary>
public static class SyncConnection
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs until a once-session has caught up, the peer closes, or <paramref name="cancellation"/> fires
    /// (which ends the session cleanly). Errors are <see cref="CausewayException"/>s.</summary>
    public static async Task<SyncResult> RunAsync(SyncSession session, ISyncChannel channel, SyncMode mode, Action<SyncSession>? progress = null, CancellationToken cancellation = default)
    {
        var time = session.Time;
        long started = time.GetTimestamp();
        long Now() => (long)time.GetElapsedTime(started).TotalMilliseconds;
        var writer = new DagCborWriter(64 * 1024);
        // Frames are encoded into one buffer, reused once each send completes: a fresh array per frame
        // of up to a megabyte would count against the collector's large-object budget.
        var sendBuffer = new byte[64 * 1024];
        long bytesSent = 0, bytesReceived = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var inbox = Channel.CreateBounded<Inbound?>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var reading = ReadAsync(channel, inbox.Writer, stop.Token);

        async Task SendAsync(IReadOnlyList<SyncFrame> frames)
        {
            foreach (var frame in frames)
            {
                int length = SyncFrameCodec.Encode(frame, writer, ref sendBuffer);
                bytesSent += length;
                await channel.SendAsync(sendBuffer.AsMemory(0, length), stop.Token).ConfigureAwait(false);
            }
        }

        bool closedByPeer = false;
        try
        {
            await SendAsync(session.Open(Now())).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                var changed = session.Database.Runtime.Changed;
                while (inbox.Reader.TryRead(out var inbound))
                {
                    if (inbound is null) { closedByPeer = true; break; }
                    bytesReceived += inbound.Bytes;
                    inbound.Failure?.Throw();
                    await SendAsync(await session.ReceiveAsync(inbound.Frame!, inbound.Check, Now(), stop.Token).ConfigureAwait(false)).ConfigureAwait(false);
                }
                if (closedByPeer) break;
                await SendAsync(await session.PumpAsync(Now(), stop.Token).ConfigureAwait(false)).ConfigureAwait(false);
                progress?.Invoke(session);
                if (mode == SyncMode.Once && session.Role == SyncRole.Initiator && session.CaughtUp) break;
                var arrival = inbox.Reader.WaitToReadAsync(stop.Token).AsTask();
                await Task.WhenAny(arrival, changed, session.Outgoing, Task.Delay(Tick, time, stop.Token)).ConfigureAwait(false);
                if (arrival.IsCompleted && !await arrival.ConfigureAwait(false)) { closedByPeer = true; break; }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The caller stopped the session: a clean end.
        }
        catch (CausewayException error) when (error is not PeerUnavailableException && !session.EndedByPeer)
        {
            // Tell the peer why before hanging up (best effort: it may be the one that broke the link).
            try { await channel.SendAsync(SyncFrameCodec.Encode(new ErrorFrame(error.Code, error.Message)), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(2), time).ConfigureAwait(false); }
            catch (Exception) { /* the peer is gone; the error below is what matters */ }
            throw;
        }
        finally
        {
            session.Close();
            stop.Cancel();
            await channel.DisposeAsync().ConfigureAwait(false);
            try { await reading.ConfigureAwait(false); } catch (Exception) { /* the reader ends with the channel */ }
        }
        if (closedByPeer && session.Role == SyncRole.Initiator && !(mode == SyncMode.Once && session.CaughtUp))
            throw new PeerUnavailableException(session.Established ? $"{channel.Remote} closed the session before it finished." : $"{channel.Remote} closed the connection during the handshake.");
        var record = session.Database.Runtime.Record;
        return new SyncResult(session.PeerDid ?? "", session.CommitsApplied, session.CommitsSent, session.CommitsSkipped, bytesSent, bytesReceived, record.Position, record.Clock.Clone(), time.GetElapsedTime(started));
    }

    /// <summary>A frame as the reader passes it on: decoded (its commits checked), or what decoding it raised,
    /// to be raised in turn, after the frames before it.</summary>
    private sealed record Inbound(int Bytes, SyncFrame? Frame, CommitCheck? Check, ExceptionDispatchInfo? Failure);

    private static async Task ReadAsync(ISyncChannel channel, ChannelWriter<Inbound?> inbox, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                // A WebSocket lends its frame (decoded below, before the next receive reuses the buffer).
                // Null is the peer closing. (Careful: a null array converts to an empty ReadOnlyMemory,
                // and the null literal along with it, so the end must be told apart before any conversion.)
                ReadOnlyMemory<byte>? received = null;
                if (channel is WebSocketChannel socket) received = await socket.ReceiveLentAsync(cancellation).ConfigureAwait(false);
                else if (await channel.ReceiveAsync(cancellation).ConfigureAwait(false) is { } copy) received = copy;
                if (received is not { } bytes)
                {
                    await inbox.WriteAsync(null, cancellation).ConfigureAwait(false);
                    return;
                }
                Inbound inbound;
                try
                {
                    var frame = SyncFrameCodec.Decode(bytes);
                    inbound = new Inbound(bytes.Length, frame, frame is CommitsFrame commits ? CommitCheck.Of(commits) : null, null);
                }
                catch (Exception e)
                {
                    inbound = new Inbound(bytes.Length, null, null, ExceptionDispatchInfo.Capture(e));
                }
                await inbox.WriteAsync(inbound, cancellation).ConfigureAwait(false);
                if (inbound.Failure is not null) return;
            }
        }
        catch (OperationCanceledException) { inbox.TryComplete(); }
        catch (Exception e) { inbox.TryComplete(e); }
    }
}
