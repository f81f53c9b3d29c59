using System.Net.WebSockets;
using System.Threading.Channels;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>A reliable, ordered, two-way pipe of whole frames between two replicas. Disposing it
/// closes it; the peer then reads the end of the stream.</summary>
public interface ISyncChannel : IAsyncDisposable
{
    /// <summary>Where the other end is, for the peers list ("in-process", a URL, an address).</summary>
    string Remote { get; }

    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellation);

    /// <summary>The next frame, or null once the peer closed the channel.</summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellation);
}

/// <summary>Two replicas in one process: each end writes into the other's bounded queue.</summary>
public sealed class InProcessChannel : ISyncChannel
{
    private readonly Channel<byte[]> _inbox;
    private readonly Channel<byte[]> _outbox;

    private InProcessChannel(Channel<byte[]> inbox, Channel<byte[]> outbox, string remote)
    {
        _inbox = inbox;
        _outbox = outbox;
        Remote = remote;
    }

    public string Remote { get; }

    public static (InProcessChannel A, InProcessChannel B) CreatePair(string nameOfA = "in-process", string nameOfB = "in-process")
    {
        var toA = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var toB = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        return (new InProcessChannel(toA, toB, nameOfB), new InProcessChannel(toB, toA, nameOfA));
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellation)
    {
        try
        {
            await _outbox.Writer.WriteAsync(frame.ToArray(), cancellation).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new PeerUnavailableException("The in-process peer closed the channel.", e);
        }
    }

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellation)
    {
        while (await _inbox.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            if (_inbox.Reader.TryRead(out var frame)) return frame;
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        _inbox.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Frames as binary WebSocket messages; a message larger than <see cref="SyncFrame.MaxBytes"/>
/// is refused while it arrives, so an endless message cannot exhaust memory. Disposing it ends the
/// connection with a close handshake, so that the last frames (an error frame, say) reach the peer.</summary>
public sealed class WebSocketChannel(WebSocket socket, string remote) : ISyncChannel
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    private byte[] _buffer = new byte[64 * 1024];

    // Cancelling a WebSocket receive aborts the socket, and an aborted socket throws away what is still
    // on its way in either direction: the error frame just sent, the close. So a receive is never
    // cancelled itself: the caller stops waiting for it, and DisposeAsync finishes it.
    private Task<ValueWebSocketReceiveResult>? _receiving;
    private volatile bool _closing;

    public string Remote { get; } = remote;

    public WebSocket Socket => socket;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellation)
    {
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            throw new PeerUnavailableException($"The connection to {Remote} broke: {e.Message}", e);
        }
    }

    /// <summary>The next frame, or null once the peer closed. After a cancelled call the channel is only good for disposing.</summary>
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellation)
        => await ReceiveLentAsync(cancellation).ConfigureAwait(false) is { } frame ? frame.ToArray() : null;

    /// <summary>As <see cref="ReceiveAsync"/>, but the frame is lent: it lies in the channel's own buffer
    /// and is good only until the next receive. Sync decodes each frame before it reads the next, so
    /// its frames (up to a megabyte each) are not copied into fresh arrays, each of which the
    /// collector would count against its large-object budget.</summary>
    internal async ValueTask<ReadOnlyMemory<byte>?> ReceiveLentAsync(CancellationToken cancellation)
    {
        int length = 0;
        try
        {
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (_buffer.Length >= SyncFrame.MaxBytes) throw new SyncRefusedException($"The peer sent a frame over the limit of {SyncFrame.MaxBytes} bytes.");
                    Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, SyncFrame.MaxBytes));
                }
                cancellation.ThrowIfCancellationRequested();
                if (_closing) throw new OperationCanceledException("The channel is closing.");
                var receiving = socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None).AsTask();
                _receiving = receiving;
                var result = await receiving.WaitAsync(cancellation).ConfigureAwait(false);
                _receiving = null;
                if (result.MessageType == WebSocketMessageType.Close) return null;
                if (result.MessageType != WebSocketMessageType.Binary) throw new SyncRefusedException("The peer sent a text message; sync frames are binary.");
                length += result.Count;
                if (result.EndOfMessage) return _buffer.AsMemory(0, length);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            throw new PeerUnavailableException($"The connection to {Remote} broke: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            using var timeout = new CancellationTokenSource(CloseWait);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(false);
            // Wait (briefly) for the peer's close: ending on a handshake rather than a reset lets the
            // peer read everything sent before it.
            // What still arrives is drained into a buffer of its own: the reader may be decoding the last
            // frame it was lent from the channel's buffer.
            byte[]? drain = null;
            while (socket.State == WebSocketState.CloseSent)
            {
                var receiving = Interlocked.Exchange(ref _receiving, null) ?? socket.ReceiveAsync((drain ??= new byte[4096]).AsMemory(), CancellationToken.None).AsTask();
                var result = await receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone already, or did not close in time; there is nothing left to close politely.
        }
        socket.Dispose();
        if (Interlocked.Exchange(ref _receiving, null) is { } abandoned)
            _ = abandoned.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
