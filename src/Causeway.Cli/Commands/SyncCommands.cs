using System.CommandLine;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Wire;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway sync</c> and <c>causeway peers</c>. On a replica folder the CLI dials the peer
/// itself and runs the sync in process; through a server (<c>--url</c>) it asks that server to.</summary>
internal static class SyncCommands
{
    public const string PeerTokenVariable = "CAUSEWAY_PEER_TOKEN";

    public static Command Sync()
    {
        var options = new TargetOptions();
        var peer = new Option<string>("--peer") { Description = "The peer server to sync with (http://host:port).", Required = true };
        var peerToken = new Option<string?>("--peer-token") { Description = $"Bearer token for the peer (or {PeerTokenVariable}); the peer's admin.token, or read.token to pull only." };
        var database = new Option<string?>("--db") { Description = "The database to sync (default: every database here)." };
        var direction = new Option<string>("--direction") { Description = "pull (take the peer's commits), push (give ours) or both.", DefaultValueFactory = _ => "both" };
        direction.AcceptOnlyFromAmong("pull", "push", "both");
        var continuous = new Option<bool>("--continuous") { Description = "Stay in sync: on a folder until Ctrl-C, through a server until stopped there (causeway peers)." };
        var collections = new Option<string?>("--collections") { Description = "Hold only these collections here (a partial replica), comma-separated; 'orders/eu-' narrows to ids starting with 'eu-'. Set when a pull creates the database." };
        var command = new Command("sync", "Sync databases with a peer server: once (the default) or continuously.") { peer, peerToken, database, direction, continuous, collections };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var peerUrl = PeerUrl(result.GetValue(peer)!);
            string? token = result.GetValue(peerToken) ?? Environment.GetEnvironmentVariable(PeerTokenVariable);
            SyncJson.TryParseDirection(result.GetValue(direction), out var way);
            var holds = result.GetValue(collections) is { } list
                ? Subscription.Of(list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(CollectionSelector.Parse))
                : null;
            if (holds is not null && result.GetValue(database) is null) throw new InvalidInputException(ErrorCodes.InvalidValue, "--collections needs --db: it sets what one database holds.");
            await using var target = await Target.OpenAsync(options, result);
            var output = Output.For(result, options);
            var names = await DatabasesAsync(target, result.GetValue(database), ct);

            if (!result.GetValue(continuous))
            {
                foreach (var name in names)
                {
                    var synced = await WithProgress(output, target.InProcess, name, way, progress => target.SyncAsync(name, peerUrl, token, way, holds, progress, ct));
                    ct.ThrowIfCancellationRequested(); // Ctrl-C ends a sync cleanly, but it did not finish
                    if (output.Json) output.WriteJson(w => SyncResultJson.Write(w, synced, name));
                    else output.Line($"{name}: {synced.Applied} commits applied, {synced.Sent} sent, {synced.Skipped} already here; with {synced.PeerDid}, now at position {synced.Position} ({synced.Elapsed.TotalSeconds:0.##} s)");
                }
                return 0;
            }

            foreach (var name in names)
            {
                var link = await target.ReplicateContinuouslyAsync(name, peerUrl, token, way, holds, ct);
                if (output.Json) output.WriteJson(w => PeerStatusJson.Write(w, link, name));
                else output.Line($"{name}: {link.Id} {link.State} with {link.Remote} ({link.Direction.ToJsonName()}){(target.InProcess ? "" : $"; the server keeps it up until 'causeway peers --db {name} --stop {link.Id}', across its restarts")}");
            }
            if (!target.InProcess) return 0;

            // In process: the links live as long as this command. Say how they are doing, when it changes, until Ctrl-C.
            var shown = new Dictionary<string, string>(StringComparer.Ordinal);
            while (!ct.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
                catch (OperationCanceledException) { break; }
                foreach (var name in names)
                    foreach (var status in (await target.PeersAsync(name, ct)).Where(p => p.Role == "outbound"))
                    {
                        string line = StatusLine(name, status);
                        if (shown.TryGetValue(name + "/" + status.Id, out var before) && before == line) continue;
                        shown[name + "/" + status.Id] = line;
                        if (output.Json) output.WriteJson(w => PeerStatusJson.Write(w, status, name));
                        else output.Line($"{DateTime.Now:HH:mm:ss} {line}");
                    }
            }
            return 0;
        });
        return command;
    }

    public static Command Peers()
    {
        var options = new TargetOptions();
        var database = new Option<string?>("--db") { Description = "Only this database's sessions (default: every database)." };
        var stop = new Option<string?>("--stop") { Description = "Stop this continuous link (an id from the list; needs --db)." };
        var command = new Command("peers", "The sync sessions of a server's databases (--url): the ones it opened and the ones peers opened to it.") { database, stop };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            string? stopId = result.GetValue(stop);
            if (stopId is not null && result.GetValue(database) is null) throw new InvalidInputException(ErrorCodes.InvalidValue, "--stop needs --db: session ids are per database.");
            await using var target = await Target.OpenAsync(options, result);
            var output = Output.For(result, options);
            if (stopId is not null)
            {
                string name = Documents.Names.Database(result.GetValue(database));
                await target.StopPeerAsync(name, stopId, ct);
                if (output.Json) output.WriteJson(w => PeerStoppedJson.Write(w, stopId));
                else output.Line($"stopped {stopId} on {name}");
                return 0;
            }
            var names = await DatabasesAsync(target, result.GetValue(database), ct, forPeers: true);
            var rows = new List<(string Database, PeerStatus Status)>();
            foreach (var name in names)
                foreach (var status in await target.PeersAsync(name, ct)) rows.Add((name, status));
            if (output.Json) output.WriteJson(w => PeerListJson.Write(w, rows));
            else if (rows.Count == 0) output.Line(target.InProcess ? "no sync sessions (a folder opened by the CLI has none of its own; use --url to ask a server)" : "no sync sessions");
            else
                output.Table(["database", "id", "role", "remote", "state", "direction", "mode", "behind", "ahead", "applied", "sent", "attempts", "last error"],
                    rows.Select(r => new[]
                    {
                        r.Database, r.Status.Id, r.Status.Role, r.Status.Remote, r.Status.State, r.Status.Direction.ToJsonName(), r.Status.Mode.ToJsonName(),
                        r.Status.Behind.ToString(), r.Status.Ahead.ToString(), r.Status.Applied.ToString(), r.Status.Sent.ToString(), r.Status.Attempts.ToString(), r.Status.LastError ?? "",
                    }));
            return 0;
        });
        return command;
    }

    private static Uri PeerUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss") || uri.Host.Length == 0)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{text}' is not an http(s) URL for --peer.");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw new InvalidInputException(ErrorCodes.InvalidValue, "--peer is the server's base URL, without credentials, query or fragment; give the token with --peer-token.");
        return uri;
    }

    /// <summary>The one database named, or every database of the target.</summary>
    private static async Task<IReadOnlyList<string>> DatabasesAsync(Target target, string? name, CancellationToken ct, bool forPeers = false)
    {
        if (name is not null) return [Documents.Names.Database(name)];
        var all = await target.ListDatabasesAsync(ct);
        if (all.Count == 0 && !forPeers) throw new InvalidInputException(ErrorCodes.InvalidValue, "There are no databases here to sync; name one with --db (a pull creates it).");
        return all;
    }

    private static string StatusLine(string database, PeerStatus s)
        => $"{database} {s.Id} {s.State}: {s.Behind} behind, {s.Ahead} ahead; {s.Applied} applied, {s.Sent} sent; attempt {s.Attempts}{(s.LastError is null ? "" : $"; last error: {s.LastError}")}";

    /// <summary>Runs a sync under progress bars when a person watches a sync in process: commits applied
    /// against those still behind, and commits sent against those the peer still lacks.</summary>
    private static async Task<SyncResult> WithProgress(Output output, bool inProcess, string database, SyncDirection direction, Func<Action<SyncSession>?, Task<SyncResult>> work)
    {
        if (!inProcess || output.Json || Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive) return await work(null);
        SyncResult result = null!;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var receiving = direction == SyncDirection.Push ? null : context.AddTask($"{database}: receiving", maxValue: 1);
            var sending = direction == SyncDirection.Pull ? null : context.AddTask($"{database}: sending", maxValue: 1);
            if (receiving is not null) receiving.IsIndeterminate = true;
            if (sending is not null) sending.IsIndeterminate = true;
            long backlog = 0;
            result = await work(session =>
            {
                if (!session.Established) return;
                if (receiving is not null)
                {
                    long behind = session.Lacks;
                    receiving.IsIndeterminate = false;
                    receiving.MaxValue = Math.Max(1, session.CommitsApplied + behind);
                    receiving.Value = session.CommitsApplied;
                    receiving.Description = $"{database}: {session.CommitsApplied} applied, {behind} behind";
                }
                if (sending is not null)
                {
                    long ahead = session.PeerLacks;
                    backlog = Math.Max(backlog, ahead);
                    sending.IsIndeterminate = false;
                    sending.MaxValue = Math.Max(1, backlog);
                    sending.Value = backlog - ahead;
                    sending.Description = $"{database}: {session.CommitsSent} sent, {ahead} ahead";
                }
            });
            foreach (var task in new[] { receiving, sending })
                if (task is not null)
                {
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                }
        });
        return result;
    }
}
