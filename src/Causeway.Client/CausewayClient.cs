using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Causeway.Authority;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Wire;

namespace Causeway.Client;

/// <summary>A Causeway server seen from .NET: its databases, and each one as an
/// <see cref="IDocumentDatabase"/> (<see cref="Database"/>) that behaves like the embedded
/// <c>Causeway.Database</c>, errors included.</summary>
/// <example><code>
/// using var client = new CausewayClient(new Uri("http://127.0.0.1:7480"), File.ReadAllText("data/admin.token").Trim());
/// IDocumentDatabase shop = client.Database("shop");
/// await shop.PutJsonAsync("orders", "o-1", """{ "total": 12 }""");
/// </code></example>
public sealed partial class CausewayClient : IDisposable
{
    /// <summary>The most changes one page of the polling feed may ask for (the server's limit).</summary>
    public const int MaxChangesPageSize = 10_000;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly Credential? _credential;
    private readonly SemaphoreSlim _identityGate = new(1, 1);
    private volatile ServerIdentity? _identity;
    private int _changesPageSize = 1000;

    /// <summary>A client for the server at <paramref name="baseUrl"/> (for example
    /// <c>http://127.0.0.1:7480</c>) that sends <paramref name="token"/> as its bearer token.</summary>
    public CausewayClient(Uri baseUrl, string token)
        : this(new HttpClient(), owns: true, baseUrl, token)
    {
    }

    /// <summary>A client over an <see cref="HttpClient"/> you configure (handler, timeouts, proxies).
    /// Requests go to its <see cref="HttpClient.BaseAddress"/>; with <paramref name="token"/> each
    /// request carries it as a bearer token, otherwise the client's own headers are sent as they are.
    /// The HttpClient stays yours: disposing this client does not dispose it.</summary>
    public CausewayClient(HttpClient http, string? token = null)
        : this(http ?? throw new ArgumentNullException(nameof(http)), owns: false, http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress (the server's URL).", nameof(http)), token)
    {
    }

    /// <summary>A client for the server at <paramref name="baseUrl"/> that signs for itself with
    /// <paramref name="credential"/> (a key and its proof chain) instead of a bearer secret: it reads the
    /// server's DID and owner once from <c>GET /v1/status</c>, then sends every request under a session
    /// delegation to that server (<c>Authorization</c>) with the chain (<c>Ucans</c>), renewed before it
    /// runs out (docs/client.md, Signing for itself). The credential stays yours.</summary>
    public CausewayClient(Uri baseUrl, Credential credential)
        : this(new HttpClient(), owns: true, baseUrl, null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
    }

    /// <summary>A client over an <see cref="HttpClient"/> you configure that signs for itself with
    /// <paramref name="credential"/> (see <see cref="CausewayClient(Uri, Credential)"/>). The HttpClient stays yours.</summary>
    public CausewayClient(HttpClient http, Credential credential)
        : this(http ?? throw new ArgumentNullException(nameof(http)), owns: false, http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress (the server's URL).", nameof(http)), null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
    }

    private CausewayClient(HttpClient http, bool owns, Uri baseUrl, string? token)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!baseUrl.IsAbsoluteUri) throw new ArgumentException("The server's URL must be absolute (http://host:port).", nameof(baseUrl));
        _http = http;
        _ownsHttp = owns;
        // A trailing slash keeps a path prefix (https://host/causeway/) when relative paths are resolved.
        _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        if (token is not null)
        {
            if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("The token is empty.", nameof(token));
            _authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        }
    }

    /// <summary>The server's URL.</summary>
    public Uri BaseAddress => _base;

    /// <summary>How many changes one request of the polling feed asks for (1 to <see cref="MaxChangesPageSize"/>; 1000 by default).</summary>
    public int ChangesPageSize
    {
        get => _changesPageSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxChangesPageSize);
            _changesPageSize = value;
        }
    }

    /// <summary>One database on the server. This does not contact the server: a database that does
    /// not exist answers not_found on first use (<see cref="GetDatabaseAsync"/> checks at once).
    /// A malformed name is invalid_name here, as in <c>Replica.GetDatabase</c>.</summary>
    public IDocumentDatabase Database(string name) => new RemoteDatabase(this, Names.Database(name));

    /// <summary>One database on the server, after checking it exists (not_found otherwise), like <c>Replica.GetDatabase</c>.</summary>
    public async Task<IDocumentDatabase> GetDatabaseAsync(string name, CancellationToken cancellation = default)
    {
        var database = new RemoteDatabase(this, Names.Database(name));
        await database.InfoAsync(cancellation).ConfigureAwait(false);
        return database;
    }

    /// <summary>The names of the databases the token may see, sorted.</summary>
    public Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellation = default)
        => SendAsync(HttpMethod.Get, "v1/dbs", null, json => (IReadOnlyList<string>)[.. DatabaseListJson.Read(json).Select(d => d.Name)], cancellation);

    /// <summary>Creates a database (already_exists if it does; a dotted name needs its parent).</summary>
    public async Task<IDocumentDatabase> CreateDatabaseAsync(string name, CancellationToken cancellation = default)
    {
        Names.Database(name);
        await SendAsync(HttpMethod.Put, $"v1/dbs/{name}", null, DatabaseInfoJson.Read, cancellation).ConfigureAwait(false);
        return new RemoteDatabase(this, name);
    }

    /// <summary>Drops a database and every database below it, with all their data.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken cancellation = default)
    {
        Names.Database(name);
        return SendAsync(HttpMethod.Delete, $"v1/dbs/{name}", null, DatabaseDroppedJson.Read, cancellation);
    }

    /// <summary>Has the server back its whole replica up into <paramref name="folder"/>, an absolute path
    /// on the server's machine that is new or empty (docs/backup.md). Needs the owner's authority.</summary>
    public Task<BackupReport> BackupAsync(string folder, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return SendAsync(HttpMethod.Post, "v1/backup", w => { w.WriteStartObject(); w.WriteString("dir", folder); w.WriteEndObject(); }, BackupReportJson.Read, cancellation);
    }

    /// <summary>The replica behind the server: its DID, version and the databases the token may see.</summary>
    public Task<ServerStatus> GetStatusAsync(CancellationToken cancellation = default)
        => SendAsync(HttpMethod.Get, "v1/status", null, ServerStatusJson.Read, cancellation);

    /// <summary>The server's DID and the owner of its databases (the subject of capabilities for them,
    /// its replica's DID when the server names no owner), read once from <c>GET /v1/status</c> without
    /// credentials, as a client that signs for itself needs them before its first request.</summary>
    public async Task<(string Server, string Owner)> GetServerIdentityAsync(CancellationToken cancellation = default)
    {
        if (_identity is { } known) return (known.Server, known.Owner);
        await _identityGate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_identity is { } again) return (again.Server, again.Owner);
            ServerStatus status;
            try
            {
                using var response = await SendContentAsync(HttpMethod.Get, "v1/status", null, HttpCompletionOption.ResponseContentRead, cancellation, signed: false).ConfigureAwait(false);
                status = Read(await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false), ServerStatusJson.Read, "GET /v1/status");
            }
            catch (CausewayException e) when (e is UnauthorizedException or ForbiddenException)
            {
                throw CausewayException.FromCode(e.Code, $"The server at {_base} does not tell who it is (GET /v1/status without credentials answered: {e.Message}); a client that signs for itself needs its DID.");
            }
            _identity = new ServerIdentity(status.Replica, status.Owner ?? status.Replica);
            return (status.Replica, status.Owner ?? status.Replica);
        }
        finally
        {
            _identityGate.Release();
        }
    }

    private sealed record ServerIdentity(string Server, string Owner);

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _identityGate.Dispose();
    }

    // ---- plumbing shared with RemoteDatabase ----

    /// <summary>Sends a request with an optional JSON body and reads the JSON answer with <paramref name="read"/>;
    /// an error answer becomes the engine's exception for its code.</summary>
    internal async Task<T> SendAsync<T>(HttpMethod method, string path, Action<Utf8JsonWriter>? body, Func<JsonElement, T> read, CancellationToken cancellation, (string Name, string Value)? header = null)
    {
        using var response = await SendRawAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellation, header).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        return Read(bytes, read, $"{method} /{path}");
    }

    /// <summary>Sends a request and answers the successful response, unread (for streams); the caller disposes it.</summary>
    internal Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, HttpCompletionOption completion, CancellationToken cancellation, (string Name, string Value)? header = null)
        => SendContentAsync(method, path, body is null ? null : JsonContent(body), completion, cancellation, header);

    /// <summary>Sends a request with any body (and one more request header, a write's precondition) and
    /// answers the successful response, unread; the caller disposes it.</summary>
    internal async Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellation, (string Name, string Value)? header = null, bool signed = true)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        if (_authorization is not null) request.Headers.Authorization = _authorization;
        else if (_credential is not null && signed)
        {
            var (server, owner) = await GetServerIdentityAsync(cancellation).ConfigureAwait(false);
            UcanHeaders session;
            try { session = _credential.SessionHeaders(server, owner); }
            catch (UcanException e)
            {
                // The chain cannot reach this server's owner now (another owner, expired): said before anything is sent.
                throw new UcanException(e.Error, $"The credential of {_credential.Did} gives no authority over {owner}, the owner of {_base}: {e.Message}", e.Proof);
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
            if (session.Ucans is { } ucans) request.Headers.TryAddWithoutValidation(TokenText.UcansHeader, ucans);
        }
        if (header is { } extra) request.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
        // Database.WaitingForRights works the same against a server: it becomes Prefer: wait=N.
        if (RightsWait.InScope is { } wait) request.Headers.TryAddWithoutValidation("Prefer", $"wait={(int)Math.Ceiling(wait.TotalSeconds)}");
        request.Content = content;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new UnavailableException($"The Causeway server at {_base} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new UnavailableException($"The Causeway server at {_base} did not answer in time ({_http.Timeout.TotalSeconds:0.#} s).", e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ErrorAsync(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>Reads a JSON answer; one that does not have the shape of docs/api.md is an internal error (the server's, not the caller's).</summary>
    internal static T Read<T>(ReadOnlyMemory<byte> bytes, Func<JsonElement, T> read, string what)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            return read(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidInputException)
        {
            throw new CausewayException(ErrorCodes.Internal, $"The server's answer to {what} could not be read: {e.Message}", e);
        }
    }

    /// <summary>A problem+json answer as the exception the engine throws for its code
    /// (<see cref="CausewayException.FromCode"/>); an error without one, from a proxy say, by its status.</summary>
    private static async Task<CausewayException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        int status = (int)response.StatusCode;
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
        string? code = null, detail = null, ucanError = null, proof = null;
        Violation? violation = null;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
            if (bytes.Length > 0 && response.Content.Headers.ContentType?.MediaType is { } media && media.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            {
                using var json = JsonDocument.Parse(bytes);
                (code, detail, ucanError, proof, violation) = ApiProblemJson.ReadLoosely(json.RootElement);
            }
        }
        catch (JsonException) { }
        catch (HttpRequestException) { }
        code ??= status switch
        {
            401 => ErrorCodes.Unauthorized,
            403 => ErrorCodes.Forbidden,
            404 => ErrorCodes.NotFound,
            412 => ErrorCodes.PreconditionFailed,
            413 => ErrorCodes.TooLarge,
            429 => ErrorCodes.RateLimited,
            502 or 503 or 504 => ErrorCodes.Unavailable,
            >= 500 => ErrorCodes.Internal,
            _ => $"http_{status}",
        };
        detail ??= $"The server answered {status} {response.ReasonPhrase}.";
        return new ApiProblem(code, status, "", detail, ucanError, proof, violation).ToException(retryAfter);
    }

    private static ByteArrayContent JsonContent(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) body(writer);
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
