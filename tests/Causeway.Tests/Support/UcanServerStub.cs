using System.Buffers;
using System.Net;
using System.Text.Json;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Tests.Support;

/// <summary>A stand-in for the UCAN side of a Causeway server, on a loopback <see cref="HttpListener"/>,
/// built to the carriage docs/api.md fixes (Authorization: a session delegation or an invocation; Ucans:
/// the chain, root first) until the real server accepts UCAN. It records every request's headers and
/// checks signed ones the way the server will: the chain from the owner to the server, then the command.
/// It answers <c>GET /v1/status</c> without credentials, <c>GET /v1/dbs</c>, <c>GET /v1/dbs/{db}</c>
/// (<c>/db/read</c> on <c>{db}</c>), <c>POST /v1/tokens</c> (it issues from its own key, proven by
/// the owner's root delegation to it) and <c>POST /v1/tokens/{cid}/revoke</c>.</summary>
public sealed class UcanServerStub : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string? Authorization, string? Ucans, string Body);

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly List<Request> _requests = [];
    private readonly Delegation _serverRoot;

    public UcanServerStub(PrincipalKey server, PrincipalKey owner, bool namesOwner = true)
    {
        Server = server;
        Owner = owner;
        NamesOwner = namesOwner;
        _serverRoot = Delegation.Create(owner, server.Did, owner.Did, Commands.All, expires: DateTimeOffset.UtcNow.AddDays(30));
        Url = $"http://127.0.0.1:{ServerProcess.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public PrincipalKey Server { get; }
    public PrincipalKey Owner { get; }
    public bool NamesOwner { get; }
    public string Url { get; }

    /// <summary>When set, <c>GET /v1/status</c> also needs credentials (as it does with static tokens today).</summary>
    public bool StatusNeedsCredentials { get; set; }

    public IReadOnlyList<Request> Requests { get { lock (_requests) return [.. _requests]; } }

    /// <summary>The owner named by status: the owner, or the server's replica when it names none.</summary>
    private string Subject => NamesOwner ? Owner.Did : Server.Did;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { await HandleAsync(context); }
            catch (Exception e)
            {
                await AnswerAsync(context.Response, 500, w => ApiProblemJson.Write(w, ApiProblem.For("internal", e.Message, 500)));
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, System.Text.Encoding.UTF8)) body = await reader.ReadToEndAsync();
        string path = request.Url!.AbsolutePath;
        lock (_requests) _requests.Add(new Request(request.HttpMethod, path, request.Headers["Authorization"], request.Headers[TokenText.UcansHeader], body));
        var response = context.Response;

        if (request.HttpMethod == "GET" && path == "/v1/status" && request.Headers["Authorization"] is null && !StatusNeedsCredentials)
        {
            await AnswerAsync(response, 200, w => ServerStatusJson.Write(w, new ServerStatus(Server.Did, NamesOwner ? Owner.Did : Server.Did, "1.0.0", ["acme"])));
            return;
        }
        ProofChain chain;
        Delegation? session = null;
        try
        {
            (chain, session) = Check(request.Headers["Authorization"], request.Headers[TokenText.UcansHeader]);
        }
        catch (CausewayException e)
        {
            await AnswerAsync(response, 401, w => ApiProblemJson.Write(w, ApiProblem.For(e is UcanException ? e.Code : ErrorCodes.Unauthorized, e.Message, 401)));
            return;
        }
        void Authorize(string command, Value args)
        {
            if (session is not null) chain.Authorize(command, args);
        }
        try
        {
            switch (request.HttpMethod, path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                case ("GET", ["v1", "status"]):
                    await AnswerAsync(response, 200, w => ServerStatusJson.Write(w, new ServerStatus(Server.Did, NamesOwner ? Owner.Did : Server.Did, "1.0.0", ["acme"])));
                    return;
                case ("GET", ["v1", "dbs"]):
                    await AnswerAsync(response, 200, w => DatabaseListJson.Write(w, [Info("acme")]));
                    return;
                case ("GET", ["v1", "dbs", var db]):
                    Authorize(Commands.DbRead, Resource.Of(db));
                    await AnswerAsync(response, 200, w => DatabaseInfoJson.Write(w, Info(db)));
                    return;
                case ("POST", ["v1", "tokens"]):
                    var issued = Issue(body, chain);
                    await AnswerAsync(response, 200, w => DelegationTokenJson.Write(w, issued));
                    return;
                case ("POST", ["v1", "tokens", var cid, "revoke"]):
                    await AnswerAsync(response, 200, w => TokenReportJson.Write(w, new TokenReport(Cid.Parse(cid), "dlg", null, null, null, null, null, null, null, null, false, "revoked")));
                    return;
            }
            await AnswerAsync(response, 404, w => ApiProblemJson.Write(w, ApiProblem.For(ErrorCodes.NotFound, $"No {request.HttpMethod} {path} here.")));
        }
        catch (UcanException e)
        {
            await AnswerAsync(response, 403, w => ApiProblemJson.Write(w, ApiProblem.For(e.Code, e.Message, 403)));
        }
    }

    /// <summary>The chain of a session delegation (or an invocation), as the server establishes it.</summary>
    private (ProofChain Chain, Delegation? Session) Check(string? authorization, string? ucans)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            throw new UnauthorizedException("No bearer token.");
        byte[] bytes = TokenText.Decode(authorization["Bearer ".Length..]);
        var proofs = TokenText.SplitUcans(ucans).Select(TokenText.ReadDelegation).ToList();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Envelope.Read(bytes).Kind == "inv")
        {
            var invocation = Invocation.Read(bytes);
            var byCid = proofs.ToDictionary(p => p.Cid);
            return (invocation.Validate(c => byCid.GetValueOrDefault(c), now), null);
        }
        var session = Delegation.Read(bytes);
        if (session.Expiration is not { } exp || exp > now + 24 * 3600) throw new UcanException(UcanError.Malformed, "A session needs an exp at most 24 h ahead.");
        return (ProofChain.Establish(Server.Did, Subject, [.. proofs, session], now), session);
    }

    /// <summary>POST /v1/tokens: the server delegates, from its own key, what the caller's chain allows.</summary>
    private DelegationToken Issue(string body, ProofChain caller)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string command = Text("command")!;
        string? db = Text("db"), coll = Text("coll"), prefix = Text("idPrefix"), id = Text("id");
        var policy = db is null ? Scope.Anything : coll is null ? Scope.Database(db) : prefix is not null ? Scope.IdPrefix(db, coll, prefix)
            : id is not null ? Scope.Document(db, coll, id) : Scope.Collection(db, coll);
        if (root.TryGetProperty("policy", out var extra)) policy = Value.Array([.. policy.AsArray(), .. ValueJson.FromElement(extra).AsArray()]);
        caller.Authorize(Commands.TokenIssue, Resource.Of(db));
        caller.Authorize(command, Resource.Of(db, coll, id ?? prefix));
        var expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("expires").GetInt64());
        DateTimeOffset? notBefore = root.TryGetProperty("notBefore", out var nbf) ? DateTimeOffset.FromUnixTimeSeconds(nbf.GetInt64()) : null;
        var chain = NamesOwner ? new[] { _serverRoot } : [];
        var token = Delegation.Create(Server, Text("audience")!, Subject, command, policy, expires, notBefore);
        return new DelegationToken(token.Cid, TokenText.Encode(token), [.. chain.Select(c => new TokenLink(c.Cid, TokenText.Encode(c)))],
            token.Issuer, token.Audience, token.Subject, token.Command, token.PolicyForm, token.Expiration, token.NotBefore);
    }

    private static DatabaseInfo Info(string db) => new(db, 0, 0, 0, [], new Dictionary<string, long>());

    private static async Task AnswerAsync(HttpListenerResponse response, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        response.StatusCode = status;
        response.ContentType = status >= 400 ? ApiProblemJson.MediaType : "application/json";
        response.ContentLength64 = buffer.WrittenCount;
        await response.OutputStream.WriteAsync(buffer.WrittenMemory);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { }
    }
}
