using System.Net;
using System.Net.WebSockets;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>Opens the WebSocket of a peer server's sync endpoint (<c>GET /v1/dbs/{db}/sync</c>).</summary>
public static class SyncDialer
{
    /// <param name="create">Asks the peer to create the database if it lacks it (<c>?create=true</c>), for a
    /// session that pushes: the peer does so when the token may create databases there.</param>
    public static async Task<ISyncChannel> ConnectAsync(Uri server, string database, string? token, CancellationToken cancellation = default, bool create = false)
    {
        if (server.Scheme is not ("http" or "https" or "ws" or "wss"))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Peer '{server}' is not an http(s) or ws(s) URL.");
        var builder = new UriBuilder(server) { Scheme = server.Scheme is "https" or "wss" ? "wss" : "ws" };
        builder.Path = builder.Path.TrimEnd('/') + $"/v1/dbs/{Uri.EscapeDataString(database)}/sync";
        if (create) builder.Query = "create=true";
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(20);
        if (token is { Length: > 0 }) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(builder.Uri, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw status switch
            {
                HttpStatusCode.Unauthorized => new UnauthorizedException($"Peer {server} refused the token (401)."),
                HttpStatusCode.Forbidden => new ForbiddenException($"Peer {server} refused to open a sync session of database '{database}' (403): the token may not sync it there, or the database has its quota of sync sessions open there."),
                HttpStatusCode.NotFound => new NotFoundException($"Peer {server} has no database '{database}' (404)."),
                0 => new PeerUnavailableException($"Peer {server} cannot be reached: {e.Message}", e),
                _ => new PeerUnavailableException($"Peer {server} answered {(int)status} instead of opening a sync session.", e),
            };
        }
        return new WebSocketChannel(socket, server.ToString());
    }
}
