using System.CommandLine;
using Credential = Causeway.Authority.Credential;
using Causeway.Cli.Commands;
using Causeway.Client;
using Causeway.Errors;
using Causeway.Replication;

namespace Causeway.Cli;

/// <summary>Where a data command works: a replica folder opened in process (<c>--data</c>), or a
/// server (<c>--url</c> and <c>--token</c>). Environment variables CAUSEWAY_DATA, CAUSEWAY_URL and
/// CAUSEWAY_TOKEN fill in what the command line leaves out; with nothing given, ./causeway-data.</summary>
internal abstract class Target : IAsyncDisposable
{
    public abstract Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellation);
    public abstract Task CreateDatabaseAsync(string name, CancellationToken cancellation);
    public abstract Task DropDatabaseAsync(string name, CancellationToken cancellation);
    public abstract Task<IDocumentDatabase> DatabaseAsync(string name, CancellationToken cancellation);
    public abstract Task<long> ExportAsync(string database, Stream output, IProgress<long> progress, CancellationToken cancellation);
    public abstract Task<ImportResult> ImportAsync(string database, Stream input, IProgress<long> progress, CancellationToken cancellation);
    public abstract Task<VerifyReport> VerifyAsync(string database, IProgress<long> progress, CancellationToken cancellation);
    public abstract Task<QuotaStatus> QuotasAsync(string database, CancellationToken cancellation);
    public abstract Task<QuotaStatus> SetQuotasAsync(string database, QuotaLimits limits, CancellationToken cancellation);
    public abstract Task<Functions.FunctionLimits> FunctionLimitsAsync(string database, CancellationToken cancellation);
    public abstract Task<Functions.FunctionLimits> SetFunctionLimitsAsync(string database, Functions.FunctionLimits limits, CancellationToken cancellation);

    /// <summary>Backs the whole replica up into <paramref name="folder"/> (on the server's machine, for a server).</summary>
    public abstract Task<BackupReport> BackupAsync(string folder, CancellationToken cancellation);

    /// <summary>Whether the replica runs in this process: its continuous links then last as long as the command.</summary>
    public abstract bool InProcess { get; }

    /// <summary>Syncs once with the same database on a peer server (a pull creates it here if missing).
    /// <paramref name="progress"/> sees the session as it goes, in process only.</summary>
    public abstract Task<SyncResult> SyncAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, Action<SyncSession>? progress, CancellationToken cancellation);

    /// <summary>Starts a continuous link with a peer server; answers it once its first session is live.</summary>
    public abstract Task<PeerStatus> ReplicateContinuouslyAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, CancellationToken cancellation);

    public abstract Task<IReadOnlyList<PeerStatus>> PeersAsync(string database, CancellationToken cancellation);

    /// <summary>Stops a continuous link the target opened.</summary>
    public abstract Task StopPeerAsync(string database, string id, CancellationToken cancellation);

    public abstract ValueTask DisposeAsync();

    public static async Task<Target> OpenAsync(TargetOptions options, ParseResult result)
    {
        string? url = result.GetValue(options.Url) ?? Environment.GetEnvironmentVariable("CAUSEWAY_URL");
        string? data = result.GetValue(options.Data);
        if (url is not null && data is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give either --data or --url, not both.");
        if (url is not null)
        {
            var (client, credential) = options.Connect(result, url);
            return new RemoteTarget(client, credential);
        }
        if (result.GetValue(options.Key) is not null || result.GetValue(options.Proof) is not null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, "--key and --proof sign requests to a server; give them with --url.");
        data ??= Environment.GetEnvironmentVariable("CAUSEWAY_DATA") ?? "causeway-data";
        try
        {
            return new EmbeddedTarget(await Replica.OpenAsync(data));
        }
        catch (CausewayException e) when (e.Code == ErrorCodes.Unavailable && e.Message.Contains("in use by another process", StringComparison.Ordinal))
        {
            throw new CausewayException(ErrorCodes.Unavailable, $"'{data}' is in use by another process (a running server?); use --url to go through it.");
        }
    }

    private sealed class EmbeddedTarget(Replica replica) : Target
    {
        public override Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellation) => Task.FromResult(replica.ListDatabases());
        public override Task CreateDatabaseAsync(string name, CancellationToken cancellation) => replica.CreateDatabaseAsync(name, cancellation);
        public override Task DropDatabaseAsync(string name, CancellationToken cancellation) => replica.DropDatabaseAsync(name, cancellation);
        public override Task<IDocumentDatabase> DatabaseAsync(string name, CancellationToken cancellation) => Task.FromResult<IDocumentDatabase>(replica.GetDatabase(name));
        public override Task<long> ExportAsync(string database, Stream output, IProgress<long> progress, CancellationToken cancellation) => replica.GetDatabase(database).ExportAsync(output, progress, cancellation);
        public override Task<ImportResult> ImportAsync(string database, Stream input, IProgress<long> progress, CancellationToken cancellation) => replica.GetDatabase(database).ImportAsync(input, progress, cancellation);
        public override Task<VerifyReport> VerifyAsync(string database, IProgress<long> progress, CancellationToken cancellation) => replica.GetDatabase(database).VerifyAsync(progress, cancellation);
        public override Task<QuotaStatus> QuotasAsync(string database, CancellationToken cancellation) => Task.FromResult(replica.GetDatabase(database).Quotas.Status);
        public override Task<QuotaStatus> SetQuotasAsync(string database, QuotaLimits limits, CancellationToken cancellation) => replica.GetDatabase(database).Quotas.SetAsync(limits, cancellation);
        public override Task<Functions.FunctionLimits> FunctionLimitsAsync(string database, CancellationToken cancellation) => Task.FromResult(replica.GetDatabase(database).Functions.Limits);
        public override Task<Functions.FunctionLimits> SetFunctionLimitsAsync(string database, Functions.FunctionLimits limits, CancellationToken cancellation) => replica.GetDatabase(database).Functions.SetLimitsAsync(limits, cancellation);
        public override Task<BackupReport> BackupAsync(string folder, CancellationToken cancellation) => replica.BackupAsync(folder, cancellation);
        public override bool InProcess => true;
        public override Task<SyncResult> SyncAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, Action<SyncSession>? progress, CancellationToken cancellation)
            => replica.SyncWithServerAsync(database, peer, peerToken, direction, progress, cancellation, holds);
        public override async Task<PeerStatus> ReplicateContinuouslyAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, CancellationToken cancellation)
            => (await replica.ReplicateWithServerAsync(database, peer, peerToken, direction, cancellation, holds)).Status; // the replica stops it when disposed
        public override Task<IReadOnlyList<PeerStatus>> PeersAsync(string database, CancellationToken cancellation) => Task.FromResult(replica.GetDatabase(database).Peers.List());
        public override Task StopPeerAsync(string database, string id, CancellationToken cancellation) => replica.GetDatabase(database).Peers.StopAsync(id);
        public override ValueTask DisposeAsync() => replica.DisposeAsync();
    }

    private sealed class RemoteTarget(CausewayClient client, Credential? credential) : Target
    {
        public override Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellation) => client.ListDatabasesAsync(cancellation);
        public override Task CreateDatabaseAsync(string name, CancellationToken cancellation) => client.CreateDatabaseAsync(name, cancellation);
        public override Task DropDatabaseAsync(string name, CancellationToken cancellation) => client.DropDatabaseAsync(name, cancellation);
        public override Task<IDocumentDatabase> DatabaseAsync(string name, CancellationToken cancellation) => client.GetDatabaseAsync(name, cancellation);
        public override async Task<long> ExportAsync(string database, Stream output, IProgress<long> progress, CancellationToken cancellation)
        {
            await client.ExportAsync(database, output, cancellation);
            return (await (await client.GetDatabaseAsync(database, cancellation)).InfoAsync(cancellation)).Commits;
        }
        public override Task<ImportResult> ImportAsync(string database, Stream input, IProgress<long> progress, CancellationToken cancellation) => client.ImportAsync(database, input, cancellation);
        public override async Task<VerifyReport> VerifyAsync(string database, IProgress<long> progress, CancellationToken cancellation)
            => await (await client.GetDatabaseAsync(database, cancellation)).VerifyAsync(cancellation);
        public override Task<QuotaStatus> QuotasAsync(string database, CancellationToken cancellation) => client.GetQuotasAsync(database, cancellation);
        public override Task<QuotaStatus> SetQuotasAsync(string database, QuotaLimits limits, CancellationToken cancellation) => client.SetQuotasAsync(database, limits, cancellation);
        public override Task<Functions.FunctionLimits> FunctionLimitsAsync(string database, CancellationToken cancellation) => client.GetFunctionLimitsAsync(database, cancellation);
        public override Task<Functions.FunctionLimits> SetFunctionLimitsAsync(string database, Functions.FunctionLimits limits, CancellationToken cancellation) => client.SetFunctionLimitsAsync(database, limits, cancellation);
        public override Task<BackupReport> BackupAsync(string folder, CancellationToken cancellation) => client.BackupAsync(folder, cancellation);
        public override bool InProcess => false;
        public override Task<SyncResult> SyncAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, Action<SyncSession>? progress, CancellationToken cancellation)
            => client.ReplicateAsync(database, peer, peerToken, direction, holds, cancellation);
        public override Task<PeerStatus> ReplicateContinuouslyAsync(string database, Uri peer, string? peerToken, SyncDirection direction, Subscription? holds, CancellationToken cancellation)
            => client.ReplicateContinuouslyAsync(database, peer, peerToken, direction, holds, cancellation);
        public override Task<IReadOnlyList<PeerStatus>> PeersAsync(string database, CancellationToken cancellation) => client.PeersAsync(database, cancellation);
        public override Task StopPeerAsync(string database, string id, CancellationToken cancellation) => client.StopPeerAsync(database, id, cancellation);
        public override ValueTask DisposeAsync()
        {
            client.Dispose();
            credential?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The options every data command takes.</summary>
internal sealed class TargetOptions
{
    public const string KeyVariable = "CAUSEWAY_KEY";
    public const string ProofVariable = "CAUSEWAY_PROOF";

    public Option<string?> Data { get; } = new("--data") { Description = "Work on the replica in this folder, in process (default ./causeway-data, or CAUSEWAY_DATA)." };
    public Option<string?> Url { get; } = new("--url") { Description = "Work through the server at this URL (or CAUSEWAY_URL)." };
    public Option<string?> Token { get; } = new("--token") { Description = "Bearer token for --url (or CAUSEWAY_TOKEN)." };
    public Option<string?> Key { get; } = new("--key") { Description = $"Sign requests to --url with this key file instead of a token (or {KeyVariable}): a session delegation to the server, renewed as it goes." };
    public Option<string?> Proof { get; } = new("--proof") { Description = $"With --key: the chain file that proves the key's authority over the server's owner, root first (or {ProofVariable}); none when the key is the owner's." };
    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON even on a terminal (JSON is the default when the output is piped)." };

    public void AddTo(Command command, bool data = true)
    {
        if (data) command.Options.Add(Data);
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Options.Add(Key);
        command.Options.Add(Proof);
        command.Options.Add(Json);
    }

    /// <summary>A client for the server at <paramref name="url"/>, with a bearer token or signing with a key
    /// and its chain (the credential, when there is one, is the caller's to dispose after the client).</summary>
    public (CausewayClient Client, Credential? Credential) Connect(ParseResult result, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{url}' is not an http(s) URL for --url.");
        string? token = result.GetValue(Token), key = result.GetValue(Key), proof = result.GetValue(Proof);
        if (token is not null && key is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give either --token or --key, not both.");
        if (token is null && key is null)
        {
            token = Environment.GetEnvironmentVariable("CAUSEWAY_TOKEN");
            key = Environment.GetEnvironmentVariable(KeyVariable);
            if (token is not null && key is not null)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"CAUSEWAY_TOKEN and {KeyVariable} are both set; say which to use with --token or --key.");
        }
        if (key is null)
        {
            if (proof is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, "--proof goes with --key: it proves the key's authority.");
            if (token is null) throw new InvalidInputException(ErrorCodes.InvalidValue, $"--url needs --token (or CAUSEWAY_TOKEN), the server's admin.token for example, or --key (or {KeyVariable}) to sign with a key.");
            return (new CausewayClient(uri, token), null);
        }
        proof ??= Environment.GetEnvironmentVariable(ProofVariable);
        var credential = Tokens.LoadCredential(key, proof);
        return (new CausewayClient(uri, credential), credential);
    }
}
