using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Authority;
using Causeway.Server.Http;
using Causeway.Wire;

namespace Causeway.Server.Endpoints;

/// <summary>Replication: the sync WebSocket peers dial, replicate requests that make this replica
/// dial a peer, and the peers list. The protocol itself is the engine's (Database.SyncAsync,
/// AcceptSyncAsync, Replicate); these endpoints only authorize, dial and report.</summary>
internal static class ReplicationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/dbs/{db}/sync", async (HttpContext context, Api api, string db) =>
        {
            Names.Database(db);
            var principal = Authentication.PrincipalOf(context);
            var permission = new SyncPermission(MayPull: principal.Can(Commands.SyncPull, db), MayPush: principal.Can(Commands.SyncPush, db));
            if (!permission.MayPull && !permission.MayPush)
                throw new ForbiddenException($"This token may neither read nor write database '{db}', so it may not sync it.");
            // A peer that pushes may ask (?create=true) for a database this server lacks, if its token may
            // create it here: a new device or server joins in one step. Created for a session that brought
            // nothing, it is dropped again.
            var database = api.Replica.TryGetDatabase(db);
            bool creatable = database is null && context.Request.Query["create"] == "true" && permission.MayPush && principal.Can(Commands.DbCreate, db);
            if (database is null && !creatable) database = api.Replica.GetDatabase(db);   // not_found
            if (!context.WebSockets.IsWebSocketRequest)
                throw new InvalidInputException(ErrorCodes.WebSocketRequired,
                    $"GET /v1/dbs/{db}/sync opens a sync session and only speaks WebSocket (Connection: Upgrade, Upgrade: websocket); to make this server sync with a peer, POST /v1/dbs/{db}/replicate.");
            // A database with its quota of sessions open refuses the peer before the upgrade, with the quota in the answer.
            database?.Quotas.CheckSessionRoom();
            bool created = false;
            if (database is null)
            {
                if (Names.ParentDatabase(db) is { } parent && api.Replica.TryGetDatabase(parent) is null)
                    throw new NotFoundException($"Database '{db}' needs its parent '{parent}', which does not exist.");
                try { database = await api.Replica.CreateDatabaseAsync(db); created = true; }
                catch (AlreadyExistsException) { database = api.Replica.GetDatabase(db); }
            }

            var services = context.RequestServices;
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server.Sync");
            string remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var socket = await context.WebSockets.AcceptWebSocketAsync();
            log.LogInformation("Sync session from {Remote} on {Database} (pull {MayPull}, push {MayPush})", remote, db, permission.MayPull, permission.MayPush);
            try
            {
                var result = await database.AcceptSyncAsync(new WebSocketChannel(socket, remote), permission, cancellation: stop.Token);
                log.LogInformation("Sync session from {Remote} on {Database} ended: {Applied} commits applied, {Sent} sent", remote, db, result.Applied, result.Sent);
            }
            catch (CausewayException e)
            {
                // The answer is a WebSocket already: the peer got the reason as an error frame, if it was still there.
                log.LogInformation("Sync session from {Remote} on {Database} ended: {Reason} [{Code}]", remote, db, e.Message, e.Code);
            }
            finally
            {
                socket.Dispose();
                if (created && database.Position == 0)
                {
                    try { await api.Replica.DropDatabaseAsync(db); }
                    catch (CausewayException) { /* written to or dropped meanwhile: keep what is there */ }
                }
            }
        }).WithSummary("Accept a sync session over a WebSocket (a peer dials it; pulling needs /sync/pull, pushing /sync/push).");

        app.MapPost("/v1/dbs/{db}/replicate", async (HttpContext context, Api api, string db) =>
        {
            Names.Database(db);
            api.Authorize(context, Commands.DbAdmin, db);
            var request = ReplicateRequest.FromJson(await JsonBody.ReadElementAsync(context, api.Options.MaxRequestBytes));
            if (request.Direction != SyncDirection.Push && api.Replica.TryGetDatabase(db) is null) api.Authorize(context, Commands.DbCreate, db);
            var lifetime = context.RequestServices.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            // The peer's own refusals (its 401, 403, 404) come back as 424 sync_refused: they are not this server's answer.
            if (request.Mode == SyncMode.Once)
            {
                var result = await api.Replica.SyncWithServerAsync(db, request.Peer, request.Token, request.Direction, cancellation: stop.Token, holds: request.Holds);
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                    throw new UnavailableException($"The server is stopping; the sync with {request.Remote} ended before it finished.");
                await JsonResponse.WriteAsync(context, 200, w => SyncResultJson.Write(w, result, db));
            }
            else
            {
                var link = await api.Replica.ReplicateWithServerAsync(db, request.Peer, request.Token, request.Direction, stop.Token, request.Holds);
                try
                {
                    api.Links.Remember(db, request.Peer, request.Token, request.Direction);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The link is up; only reopening it after a restart is lost. Say so where an operator looks.
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Causeway.Server.Sync")
                        .LogWarning("Continuous replication of {Database} with {Peer} runs, but cannot be remembered for restarts: {Error}", db, request.Remote, e.Message);
                }
                await JsonResponse.WriteAsync(context, StatusCodes.Status202Accepted, w => PeerStatusJson.Write(w, link.Status, db));
            }
        }).Accepts<JsonElement>("application/json")
          .WithSummary("Sync with a peer server: { \"peer\": URL, \"token\", \"mode\": \"once\"|\"continuous\", \"direction\": \"pull\"|\"push\"|\"both\" }; once answers the counts, continuous 202 and the session.");

        app.MapGet("/v1/dbs/{db}/peers", async (HttpContext context, Api api, string db) =>
        {
            var database = api.Database(context, db, Commands.DbRead);
            var peers = database.Peers.List();
            await JsonResponse.WriteAsync(context, 200, w => PeerListJson.Write(w, peers));
        }).WithSummary("The database's sync sessions, opened here or accepted, and how far each is ahead and behind.");

        app.MapDelete("/v1/dbs/{db}/peers/{id}", async (HttpContext context, Api api, string db, string id) =>
        {
            var database = api.Database(context, db, Commands.DbAdmin);
            string? remote = database.Peers.List().FirstOrDefault(p => p.Id == id)?.Remote;
            await database.Peers.StopAsync(id);
            if (remote is not null) api.Links.Forget(db, remote);
            await JsonResponse.WriteAsync(context, 200, w => PeerStoppedJson.Write(w, id));
        }).WithSummary("Stop a continuous replication this server opened (404 for an unknown session).");
    }
}

/// <summary>The body of <c>POST /v1/dbs/{db}/replicate</c>, read strictly.</summary>
internal sealed record ReplicateRequest(Uri Peer, string? Token, SyncMode Mode, SyncDirection Direction, Subscription? Holds)
{
    private static readonly string[] Members = ["peer", "token", "mode", "direction", "collections"];

    /// <summary>The peer as the peers list names it.</summary>
    public string Remote => Peer.AbsoluteUri;

    public static ReplicateRequest FromJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidJson, "A replicate request is a JSON object: { \"peer\": URL, \"token\": TOKEN, \"mode\", \"direction\" }.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            if (Array.IndexOf(Members, member.Name) < 0)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"A replicate request does not take '{Names.Clip(member.Name)}'; it takes {string.Join(", ", Members)}.");
            if (!seen.Add(member.Name)) throw new InvalidInputException(ErrorCodes.InvalidJson, $"'{member.Name}' appears twice in the replicate request.");
        }

        string peerText = String(body, "peer") ?? throw new InvalidInputException(ErrorCodes.InvalidValue, "'peer' is required: the URL of the peer server (http://host:port).");
        if (!Uri.TryCreate(peerText, UriKind.Absolute, out var peer) || peer.Scheme is not ("http" or "https" or "ws" or "wss") || peer.Host.Length == 0)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'peer' must be an http(s) URL of a Causeway server, not '{Names.Clip(peerText)}'.");
        if (peer.Query.Length > 0 || peer.Fragment.Length > 0 || peer.UserInfo.Length > 0)
            throw new InvalidInputException(ErrorCodes.InvalidValue, "'peer' is the server's base URL, without credentials, query or fragment; put the token in 'token'.");

        string? token = String(body, "token");
        if (token is not null && (token.Length == 0 || token.Any(char.IsControl)))
            throw new InvalidInputException(ErrorCodes.InvalidValue, "'token' must be a non-empty bearer token without control characters (or left out for a peer in dev mode).");

        string modeText = String(body, "mode") ?? "once";
        if (!SyncJson.TryParseMode(modeText, out var mode))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'mode' is 'once' or 'continuous', not '{Names.Clip(modeText)}'.");
        string directionText = String(body, "direction") ?? "both";
        if (!SyncJson.TryParseDirection(directionText, out var direction))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'direction' is 'pull', 'push' or 'both', not '{Names.Clip(directionText)}'.");

        Subscription? holds = null;
        if (body.TryGetProperty("collections", out var collections) && collections.ValueKind != JsonValueKind.Null)
        {
            const string Shape = "'collections' is a non-empty array of collection names, each optionally narrowed to an id prefix as \"collection/prefix\".";
            if (collections.ValueKind != JsonValueKind.Array || collections.GetArrayLength() == 0)
                throw new InvalidInputException(ErrorCodes.InvalidValue, Shape);
            var selectors = new List<CollectionSelector>();
            foreach (var item in collections.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw new InvalidInputException(ErrorCodes.InvalidValue, Shape);
                selectors.Add(CollectionSelector.Parse(item.GetString()!));
            }
            holds = Subscription.Of(selectors);
        }
        return new ReplicateRequest(peer, token, mode, direction, holds);
    }

    /// <summary>An optional string member (null when absent or JSON null); other types are invalid_value.</summary>
    private static string? String(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null) return null;
        if (member.ValueKind != JsonValueKind.String) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{name}' must be a string.");
        return member.GetString();
    }
}
