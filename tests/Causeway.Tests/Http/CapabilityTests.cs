using Causeway.Tests.Support;
using System.Diagnostics;
using Causeway.Authority;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Values;

namespace Causeway.Tests.Http;

/// <summary>Requests authorized by UCAN 1.0 over real HTTP on loopback, with real Ed25519 keys
/// (docs/api.md, Authorization): invocations and session delegations within and outside their scope,
/// each failure class with its code, reason and proof, and that a refusal changes nothing.</summary>
public sealed class CapabilityTests : IAsyncLifetime
{
    private readonly ManualTime _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly PrincipalKey _org = PrincipalKey.Create();
    private readonly PrincipalKey _shop = PrincipalKey.Create();
    private readonly PrincipalKey _device = PrincipalKey.Create();
    private readonly PrincipalKey _stranger = PrincipalKey.Create();
    private ServerFixture _server = null!;

    private HttpClient Http => _server.Anonymous;
    private PrincipalKey Owner => _server.Replica.Key;
    private string ServerDid => _server.Replica.Did;
    private DateTimeOffset Now => _time.Now;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartOnLoopbackAsync(new ServerOptions { Time = _time });
        foreach (var db in new[] { "shop", "acme", "acme.shop", "acme.eu" })
            (await _server.Admin.PutAsync($"/v1/dbs/{db}", null)).EnsureSuccessStatusCode();
        (await _server.Admin.PutAsync("/v1/dbs/shop/docs/orders/d1-0", HttpExtensions.Json("""{"n": 0}"""))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var key in new[] { _org, _shop, _device, _stranger }) key.Dispose();
    }

    /// <summary>owner → org admin (everything in acme) → shop admin (/doc in acme.shop) → device (orders d1-* of
    /// acme.shop), or the same on <paramref name="db"/> and its top-level database.</summary>
    private (Delegation Org, Delegation Shop, Delegation Device) Chain(string db = "acme.shop")
    {
        var org = Ucans.Delegate(Owner, _org.Did, Owner.Did, Commands.All, Scope.Database(db.Split('.')[0]), Now.AddDays(30));
        var shop = Ucans.Delegate(_org, _shop.Did, Owner.Did, "/doc", Scope.Database(db), Now.AddDays(7));
        var dev = Ucans.Delegate(_shop, _device.Did, Owner.Did, "/doc", Scope.IdPrefix(db, "orders", "d1-"), Now.AddDays(1));
        return (org, shop, dev);
    }

    private Delegation SessionOf(PrincipalKey caller, string command = "/", Value? policy = null, TimeSpan? lifetime = null, string? audience = null, DateTimeOffset? notBefore = null)
        => Ucans.Delegate(caller, audience ?? ServerDid, Owner.Did, command, policy, Now + (lifetime ?? TimeSpan.FromHours(1)), notBefore);

    private async Task<string> StateAsync(string db = "shop")
    {
        var info = await (await _server.Admin.GetAsync($"/v1/dbs/{db}")).JsonAsync();
        return $"{info.GetProperty("position")} {info.GetProperty("heads")}";
    }

    [Fact]
    public async Task The_admin_and_read_tokens_still_work_and_status_names_the_owner()
    {
        var status = await (await _server.Reader.GetAsync("/v1/status")).JsonAsync();
        Assert.Equal(ServerDid, status.GetProperty("replica").GetString());
        Assert.Equal(Owner.Did, status.GetProperty("owner").GetString());
        Assert.Equal(["acme", "acme.eu", "acme.shop", "shop"], status.GetProperty("databases").EnumerateArray().Select(d => d.GetString()).Order());
        (await _server.Reader.GetAsync("/v1/dbs/shop/docs/orders/d1-0")).EnsureSuccessStatusCode();
        (await _server.Reader.GetAsync("/v1/dbs/shop/schema")).EnsureSuccessStatusCode();
        var refused = await (await _server.Reader.PutAsync("/v1/dbs/shop/docs/orders/x", HttpExtensions.Json("{}"))).ProblemAsync(403, ErrorCodes.Forbidden);
        Assert.Contains("/doc/write", refused.GetProperty("detail").GetString());
        (await _server.Admin.PutAsync("/v1/dbs/shop/docs/orders/x", HttpExtensions.Json("{}"))).EnsureSuccessStatusCode();
        await (await _server.Anonymous.GetAsync("/v1/dbs")).ProblemAsync(401, ErrorCodes.Unauthorized);
        var open = await (await _server.Anonymous.GetAsync("/v1/status")).JsonAsync();
        Assert.Equal(Owner.Did, open.GetProperty("owner").GetString());
        Assert.Equal(0, open.GetProperty("databases").GetArrayLength());
    }

    [Fact]
    public async Task An_invocation_reads_and_writes_within_its_scope_once()
    {
        var (org, shop, device) = Chain();
        Delegation[] proofs = [org, shop, device];
        var write = Ucans.Invocation(_device, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d1-7"), proofs, Now, audience: ServerDid);
        Ucans.Ok(await Http.AskAsync(Ucans.Invoke(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-7", write, proofs, """{"total": 7}""")), 201);
        var read = Ucans.Invocation(_device, Owner.Did, Commands.DocRead, Resource.Of("acme.shop", "orders", "d1-7"), proofs, Now);
        var doc = Ucans.Ok(await Http.AskAsync(Ucans.Invoke(HttpMethod.Get, "/v1/dbs/acme.shop/docs/orders/d1-7", read, proofs)));
        Assert.Equal(7, doc.GetProperty("total").GetInt64());

        // Once only: the same invocation again is a replay, and writes nothing.
        string before = await StateAsync("acme.shop");
        Ucans.Refused(await Http.AskAsync(Ucans.Invoke(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-7", write, proofs, """{"total": 8}""")),
            401, ErrorCodes.TokenReplayed, nameof(UcanError.Replayed), write.Cid);
        Assert.Equal(before, await StateAsync("acme.shop"));

        // Its command must cover what the request does, and its args must name what the request acts on.
        var readOnly = Ucans.Invocation(_device, Owner.Did, Commands.DocRead, Resource.Of("acme.shop", "orders", "d1-8"), proofs, Now);
        Ucans.Refused(await Http.AskAsync(Ucans.Invoke(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-8", readOnly, proofs, "{}")),
            403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), readOnly.Cid);
        var elsewhere = Ucans.Invocation(_device, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d1-9"), proofs, Now);
        Ucans.Refused(await Http.AskAsync(Ucans.Invoke(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-8", elsewhere, proofs, "{}")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), elsewhere.Cid);
        // Proofs held by the server may be named by CID in prf alone.
        foreach (var proof in proofs) _server.Access.Store.Hold(proof);
        var byCid = Ucans.Invocation(_device, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d1-8"), proofs, Now);
        Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-8", Ucans.Text(byCid), json: "{}")), 201);
    }

    [Fact]
    public async Task A_session_delegation_reads_and_writes_within_its_scope_until_it_expires()
    {
        var (org, shop, device) = Chain();
        var session = SessionOf(_device, "/doc", lifetime: TimeSpan.FromMinutes(30));
        Delegation[] chain = [org, shop, device];
        for (int i = 0; i < 3; i++)
            Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/dbs/acme.shop/docs/orders/d1-{i}", session, chain, $$"""{"i": {{i}}}""")), 201);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/acme.shop/docs/orders/d1-2", session, chain)));
        Assert.Equal(1, _server.Access.Ucans.CachedSessions); // established once, then taken from the cache
        // Chain links may be named by CID once the server holds them.
        foreach (var link in chain) Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Put, $"/v1/tokens/{link.Cid}", _server.AdminToken, json: $$"""{"token": "{{Ucans.Text(link)}}"}""")), 201);
        Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Get, "/v1/dbs/acme.shop/docs/orders/d1-2", Ucans.Text(session), chain.Select(l => l.Cid.ToString()))));
        // A query of the collection is a /doc/read of db and coll, which the id prefix does not cover.
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/acme.shop/query", session, chain, """{"collection": "orders"}""")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), device.Cid);

        _time.Advance(TimeSpan.FromMinutes(32));
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/acme.shop/docs/orders/d1-2", session, chain)),
            401, ErrorCodes.TokenExpired, nameof(UcanError.Expired), session.Cid);
    }

    [Fact]
    public async Task A_device_scoped_to_an_id_prefix_writes_its_own_orders_only_and_a_transaction_touching_another_writes_nothing()
    {
        var device = Ucans.Delegate(Owner, _device.Did, Owner.Did, "/doc", Scope.IdPrefix("shop", "orders", "d1-"), Now.AddDays(1));
        var session = SessionOf(_device);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/docs/orders/d1-x", session, [device], """{"total": 1}""")), 201);

        string before = await StateAsync();
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/docs/orders/d2-x", session, [device], """{"total": 1}""")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), device.Cid);
        const string mixed = """{"ops": [{"op": "put", "collection": "orders", "id": "d1-y", "doc": {"total": 2}}, {"op": "delete", "collection": "orders", "id": "d2-x"}]}""";
        var refused = Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/tx", session, [device], mixed)),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), device.Cid);
        Assert.Contains("d2-x", refused.GetProperty("detail").GetString());
        Assert.Equal(before, await StateAsync());
        await (await _server.Admin.GetAsync("/v1/dbs/shop/docs/orders/d1-y")).ProblemAsync(404, ErrorCodes.NotFound);

        const string own = """{"ops": [{"op": "put", "collection": "orders", "id": "d1-y", "doc": {"total": 2}}, {"op": "delete", "collection": "orders", "id": "d1-x"}]}""";
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/tx", session, [device], own)));
        // Creating with a generated id names no id, which the prefix cannot allow.
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/dbs/shop/docs/orders", session, [device], "{}")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), device.Cid);
    }

    [Fact]
    public async Task A_tenant_admin_creates_below_its_database_and_sees_nothing_else()
    {
        var tenant = Ucans.Delegate(Owner, _org.Did, Owner.Did, Commands.All, Scope.Database("acme.shop"), Now.AddDays(1));
        var session = SessionOf(_org);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/acme.shop.eu", session, [tenant])), 201);
        string before = string.Join(",", _server.Replica.ListDatabases());
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/acme.us", session, [tenant])), 403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), tenant.Cid);
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Delete, "/v1/dbs/acme", session, [tenant])), 403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), tenant.Cid);
        Assert.Equal(before, string.Join(",", _server.Replica.ListDatabases()));

        var list = Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs", session, [tenant])));
        Assert.Equal(["acme.shop", "acme.shop.eu"], list.GetProperty("databases").EnumerateArray().Select(d => d.GetProperty("name").GetString()).Order());
        var status = Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/status", session, [tenant])));
        Assert.Equal(["acme.shop", "acme.shop.eu"], status.GetProperty("databases").EnumerateArray().Select(d => d.GetString()).Order());
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/acme", session, [tenant])), 403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), tenant.Cid);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Delete, "/v1/dbs/acme.shop.eu", session, [tenant])));
    }

    /// <summary>Each class of token the server cannot use is 401 with its code and reason, and writes nothing.</summary>
    [Fact]
    public async Task Tokens_that_cannot_be_used_are_401_with_their_code_and_change_nothing()
    {
        var (org, shop, device) = Chain("shop");
        Delegation[] chain = [org, shop, device];
        var good = Ucans.Delegate(Owner, _device.Did, Owner.Did, "/doc", Scope.Database("shop"), Now.AddDays(1));
        var session = SessionOf(_device);
        string before = await StateAsync();
        const string Path = "/v1/dbs/shop/docs/orders/d1-new";
        async Task<(int, System.Text.Json.JsonElement)> Put(string bearer, IEnumerable<string>? proofs = null)
            => await Http.AskAsync(Ucans.Request(HttpMethod.Put, Path, bearer, proofs, """{"total": 1}"""));

        // Not base64url; base64 of bytes that are not DAG-CBOR; a UCAN whose signature is not its issuer's.
        Ucans.Refused(await Put("not*base64"), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        Ucans.Refused(await Put(TokenText.Encode(new byte[] { 0x82, 0x01, 0xFF, 0x00, 0x61 })), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        Ucans.Refused(await Put(TokenText.Encode(Causeway.Encoding.DagCbor.Encode(Causeway.Encoding.IpldNode.List(Causeway.Encoding.IpldNode.String("not a ucan"))))),
            401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        var forged = session.Bytes.ToArray();
        forged[10] ^= 0x01; // inside the 64-byte signature
        Ucans.Refused(await Put(TokenText.Encode(forged), [Ucans.Text(good)]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.InvalidSignature), Causeway.Encoding.Cid.ForDagCbor(forged));
        // Expired, not yet valid (beyond the clock skew), a proof neither sent nor held.
        var expired = Ucans.Delegate(Owner, _device.Did, Owner.Did, "/doc", null, Now.AddMinutes(-5));
        Ucans.Refused(await Put(Ucans.Text(session), [Ucans.Text(expired)]), 401, ErrorCodes.TokenExpired, nameof(UcanError.Expired), expired.Cid);
        var early = SessionOf(_device, notBefore: Now.AddMinutes(10));
        Ucans.Refused(await Put(Ucans.Text(early), [Ucans.Text(good)]), 401, ErrorCodes.TokenExpired, nameof(UcanError.TooEarly), early.Cid);
        var missing = Ucans.Invocation(_device, Owner.Did, Commands.DocWrite, Resource.Of("shop", "orders", "d1-new"), [good], Now);
        Ucans.Refused(await Put(Ucans.Text(missing)), 401, ErrorCodes.TokenInvalid, nameof(UcanError.UnavailableProof), good.Cid);
        Ucans.Refused(await Put(Ucans.Text(session), [good.Cid.ToString()]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.UnavailableProof), good.Cid);
        // Longer-lived than the server takes: an invocation over 10 minutes, a session over 24 hours.
        var lasting = Causeway.Authority.Invocation.Create(_device, Owner.Did, Commands.DocWrite, Resource.Of("shop", "orders", "d1-new"), [good.Cid], expires: Now.AddHours(1));
        Ucans.Refused(await Put(Ucans.Text(lasting), [Ucans.Text(good)]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed), lasting.Cid);
        var forever = Causeway.Authority.Invocation.Create(_device, Owner.Did, Commands.DocWrite, Resource.Of("shop", "orders", "d1-new"), [good.Cid]);
        Ucans.Refused(await Put(Ucans.Text(forever), [Ucans.Text(good)]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed), forever.Cid);
        Ucans.Refused(await Put(Ucans.Text(SessionOf(_device, lifetime: TimeSpan.FromDays(2))), [Ucans.Text(good)]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        // Revoked: any link of the chain.
        Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Post, $"/v1/tokens/{shop.Cid}/revoke", _server.AdminToken)));
        Ucans.Refused(await Put(Ucans.Text(session), chain.Select(Ucans.Text)), 401, ErrorCodes.TokenRevoked, nameof(UcanError.Revoked), shop.Cid);
        // Huge: a policy over the envelope limit.
        var huge = HugeDelegation();
        Assert.True(huge.Length > Causeway.Authority.Envelope.MaxBytes);
        Ucans.Refused(await Put(Ucans.Text(session), [TokenText.Encode(huge)]), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        Ucans.Refused(await Put(TokenText.Encode(huge)), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        // A static-looking token the server does not know is plain unauthorized.
        var unknown = await Http.AskAsync(Ucans.Request(HttpMethod.Put, Path, "cw_nope", json: "{}"));
        Assert.Equal((401, ErrorCodes.Unauthorized), (unknown.Status, unknown.Body.GetProperty("code").GetString()));

        Assert.Equal(before, await StateAsync());
        await (await _server.Admin.GetAsync($"/v1/dbs{Path[7..]}")).ProblemAsync(404, ErrorCodes.NotFound);
    }

    /// <summary>A signed delegation whose policy takes it over <see cref="Causeway.Authority.Envelope.MaxBytes"/> (which
    /// <see cref="Delegation.Create"/> would refuse to read back, so it is written by hand).</summary>
    private byte[] HugeDelegation()
    {
        var statement = Causeway.Encoding.IpldNode.List(Causeway.Encoding.IpldNode.String("!="), Causeway.Encoding.IpldNode.String(".db"),
            Causeway.Encoding.IpldNode.String(new string('x', Causeway.Authority.Envelope.MaxBytes)));
        return Causeway.Authority.Envelope.Write(Owner, "dlg", Causeway.Encoding.IpldNode.Map(
            ("iss", Causeway.Encoding.IpldNode.String(Owner.Did)), ("aud", Causeway.Encoding.IpldNode.String(_device.Did)),
            ("sub", Causeway.Encoding.IpldNode.String(Owner.Did)), ("cmd", Causeway.Encoding.IpldNode.String("/doc")),
            ("pol", Causeway.Encoding.IpldNode.List(statement)), ("nonce", Causeway.Encoding.IpldNode.Bytes(new byte[12])),
            ("exp", Causeway.Encoding.IpldNode.Integer(Now.AddDays(1).ToUnixTimeSeconds()))));
    }

    [Fact]
    public async Task A_thousand_link_chain_is_refused_fast()
    {
        var links = new List<string>();
        var cid = Ucans.Delegate(Owner, _device.Did, Owner.Did, "/", null, Now.AddDays(1)).Cid.ToString();
        for (int i = 0; i < 1000; i++) links.Add(cid);
        var session = SessionOf(_device);
        var clock = Stopwatch.StartNew();
        Ucans.Refused(await Http.AskAsync(Ucans.Request(HttpMethod.Get, "/v1/dbs/shop", Ucans.Text(session), links)), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed));
        var invocation = Causeway.Authority.Invocation.Create(_device, Owner.Did, Commands.DbRead, Resource.Of("shop"),
            Enumerable.Repeat(Causeway.Authority.Invocation.Create(_device, Owner.Did, "/x", Value.EmptyMap, []).Cid, 1000), expires: Now.AddMinutes(1));
        Ucans.Refused(await Http.AskAsync(Ucans.Request(HttpMethod.Get, "/v1/dbs/shop", Ucans.Text(invocation))), 401, ErrorCodes.TokenInvalid, nameof(UcanError.Malformed), invocation.Cid);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refusing took {clock.Elapsed}");
    }

    /// <summary>A sound token that does not carry the authority is 403 with the reason and the proof at fault.</summary>
    [Fact]
    public async Task Tokens_without_the_authority_are_403_naming_the_proof_and_change_nothing()
    {
        string before = await StateAsync();
        const string Path = "/v1/dbs/shop/docs/orders/o-9";
        async Task<(int, System.Text.Json.JsonElement)> Put(Delegation session, params Delegation[] chain)
            => await Http.AskAsync(Ucans.Session(HttpMethod.Put, Path, session, chain, """{"total": 9}"""));
        var root = Ucans.Delegate(Owner, _device.Did, Owner.Did, "/doc", null, Now.AddDays(1));

        // Audience: a session for another server; an invocation for another service.
        var elsewhere = SessionOf(_device, audience: _stranger.Did);
        Ucans.Refused(await Put(elsewhere, root), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidAudience), elsewhere.Cid);
        var other = Ucans.Invocation(_device, Owner.Did, Commands.DocWrite, Resource.Of("shop", "orders", "o-9"), [root], Now, audience: _stranger.Did);
        Ucans.Refused(await Http.AskAsync(Ucans.Invoke(HttpMethod.Put, Path, other, [root], "{}")), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidAudience), other.Cid);
        // Subject: a chain rooted in someone who does not own the database.
        var foreign = Ucans.Delegate(_stranger, _device.Did, _stranger.Did, "/", null, Now.AddDays(1));
        var foreignSession = Ucans.Delegate(_device, ServerDid, _stranger.Did, "/", null, Now.AddHours(1));
        Ucans.Refused(await Put(foreignSession, foreign), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidSubject), foreignSession.Cid);
        // A link about another subject in the middle of the chain.
        var sideways = Ucans.Delegate(_device, _shop.Did, _stranger.Did, "/doc", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_shop), root, sideways), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidSubject), sideways.Cid);
        // Over-broad: a child claiming a command its parent lacks, or beyond its parent's policy.
        var reader = Ucans.Delegate(Owner, _org.Did, Owner.Did, Commands.DocRead, null, Now.AddDays(1));
        var widened = Ucans.Delegate(_org, _device.Did, Owner.Did, "/doc", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_device), reader, widened), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), reader.Cid);
        var items = Ucans.Delegate(Owner, _org.Did, Owner.Did, "/doc", Scope.Collection("shop", "items"), Now.AddDays(1));
        var anywhere = Ucans.Delegate(_org, _device.Did, Owner.Did, "/doc", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_device), items, anywhere), 403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), items.Cid);
        // A session that delegates less than the request needs.
        var narrow = SessionOf(_device, Commands.DocRead);
        Ucans.Refused(await Put(narrow, root), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), narrow.Cid);
        // A cycle: the same proof twice in one chain; and a chain that skips a link (audience broken).
        var back = Ucans.Delegate(_device, _org.Did, Owner.Did, "/doc", null, Now.AddDays(1));
        var forth = Ucans.Delegate(_org, _device.Did, Owner.Did, "/doc", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_device), root, back, forth, back, forth), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), back.Cid);
        Ucans.Refused(await Put(SessionOf(_device), root, forth), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidAudience), root.Cid);
        // A root that is not issued by its subject, and a powerline at the root.
        var usurper = Ucans.Delegate(_stranger, _device.Did, Owner.Did, "/", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_device), usurper), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), usurper.Cid);
        var powerline = Ucans.Delegate(_stranger, _device.Did, null, "/", null, Now.AddDays(1));
        Ucans.Refused(await Put(SessionOf(_device), powerline), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), powerline.Cid);

        Assert.Equal(before, await StateAsync());
        await (await _server.Admin.GetAsync("/v1/dbs/shop/docs/orders/o-9")).ProblemAsync(404, ErrorCodes.NotFound);
        // The same chain, sound, does write.
        Ucans.Ok(await Put(SessionOf(_device), root), 201);
    }

    [Fact]
    public async Task The_owner_issues_root_delegations_and_a_session_passes_on_no_more_than_it_holds()
    {
        // The owner (admin token): a root delegation, usable at once by its audience.
        string issue = $$"""{"audience": "{{_org.Did}}", "command": "/", "db": "acme", "expires": {{Now.AddDays(1).ToUnixTimeSeconds()}}}""";
        var rootAnswer = Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Post, "/v1/tokens", _server.AdminToken, json: issue)), 201);
        var root = Delegation.Read(TokenText.Decode(rootAnswer.GetProperty("token").GetString()!));
        Assert.Equal(rootAnswer.GetProperty("cid").GetString(), root.Cid.ToString());
        Assert.Equal((Owner.Did, _org.Did, Owner.Did, "/"), (root.Issuer, root.Audience, root.Subject, root.Command));
        Assert.Equal(Scope.Database("acme"), root.PolicyForm);
        Assert.Equal([root.Cid.ToString()], rootAnswer.GetProperty("chain").EnumerateArray().Select(l => l.GetProperty("cid").GetString()));
        Assert.Equal(root.Expiration, rootAnswer.GetProperty("exp").GetInt64());

        // The org admin, by a session delegation, has the server delegate to a shop admin: a chain of three.
        var orgSession = SessionOf(_org, lifetime: TimeSpan.FromHours(12));
        string forShop = $$"""{"audience": "{{_shop.Did}}", "command": "/doc", "db": "acme.shop", "coll": "orders", "idPrefix": "d1-", "expires": {{Now.AddHours(2).ToUnixTimeSeconds()}}}""";
        var answer = Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/tokens", orgSession, [root], forShop)), 201);
        var chain = answer.GetProperty("chain").EnumerateArray().Select(l => Delegation.Read(TokenText.Decode(l.GetProperty("token").GetString()!))).ToList();
        Assert.Equal([root.Cid, orgSession.Cid, chain[^1].Cid], chain.Select(l => l.Cid));
        Assert.Equal((ServerDid, _shop.Did, "/doc"), (chain[^1].Issuer, chain[^1].Audience, chain[^1].Command));
        Assert.Equal(Scope.IdPrefix("acme.shop", "orders", "d1-"), chain[^1].PolicyForm);
        // The shop admin uses it: an invocation naming the chain by CID (the server holds what it issued).
        var write = Ucans.Invocation(_shop, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d1-1"), chain, Now);
        Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-1", Ucans.Text(write), json: "{}")), 201);
        var outside = Ucans.Invocation(_shop, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d2-1"), chain, Now);
        Ucans.Refused(await Http.AskAsync(Ucans.Request(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d2-1", Ucans.Text(outside), json: "{}")),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), chain[^1].Cid);
        // The issued re-delegation is no root on its own.
        var alone = Ucans.Invocation(_shop, Owner.Did, Commands.DocWrite, Resource.Of("acme.shop", "orders", "d1-2"), [chain[^1]], Now);
        Ucans.Refused(await Http.AskAsync(Ucans.Request(HttpMethod.Put, "/v1/dbs/acme.shop/docs/orders/d1-2", Ucans.Text(alone), json: "{}")),
            403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim), chain[^1].Cid);

        // No more than it holds: a command outside its chain, a database outside its scope.
        string admin = $$"""{"audience": "{{_shop.Did}}", "command": "/db/admin", "db": "acme.eu", "expires": {{Now.AddHours(2).ToUnixTimeSeconds()}}}""";
        var shopSession = SessionOf(_shop);
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/tokens", shopSession, chain, admin)), 403, ErrorCodes.Forbidden, nameof(UcanError.InvalidClaim));
        string beyond = $$"""{"audience": "{{_device.Did}}", "command": "/doc/write", "db": "acme.eu", "expires": {{Now.AddHours(2).ToUnixTimeSeconds()}}}""";
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/tokens", orgSession, [root], beyond.Replace("acme.eu", "shop"))),
            403, ErrorCodes.Forbidden, nameof(UcanError.MatchError), root.Cid);
        // An invocation cannot have the server issue (it proves authority to its issuer alone); the read token may not issue.
        var invocation = Ucans.Invocation(_org, Owner.Did, Commands.TokenIssue, Resource.Of("acme"), [root], Now);
        var byInvocation = await Http.AskAsync(Ucans.Invoke(HttpMethod.Post, "/v1/tokens", invocation, [root], beyond.Replace("acme.eu", "acme")));
        Assert.Equal((403, ErrorCodes.Forbidden), (byInvocation.Status, byInvocation.Body.GetProperty("code").GetString()));
        await (await _server.Reader.PostAsync("/v1/tokens", HttpExtensions.Json(beyond))).ProblemAsync(403, ErrorCodes.Forbidden);
        // Bad requests: no expiry, one in the past, a bad audience, an unknown member.
        foreach (var bad in new[] { beyond.Replace($", \"expires\": {Now.AddHours(2).ToUnixTimeSeconds()}", ""), beyond.Replace(Now.AddHours(2).ToUnixTimeSeconds().ToString(), "1"),
                     beyond.Replace(_device.Did, "did:web:x"), beyond.Replace("\"db\"", "\"database\""), """{"audience": 1}""", "[]" })
            Assert.Equal(400, (int)(await _server.Admin.PostAsync("/v1/tokens", HttpExtensions.Json(bad))).StatusCode);
    }

    [Fact]
    public async Task Tokens_made_elsewhere_are_held_read_back_and_revoked_by_their_issuer_or_the_owner()
    {
        var (org, shop, device) = Chain("shop");
        string Body(Delegation d) => $$"""{"token": "{{Ucans.Text(d)}}"}""";
        // Held: any caller may store a delegation about the owner; the CID must match; a bad one is 400.
        var session = SessionOf(_device);
        Delegation[] chain = [org, shop, device];
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{org.Cid}", session, chain, Body(org))), 201);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{org.Cid}", session, chain, Body(org))), 200);
        Assert.Equal(400, (await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{org.Cid}", session, chain, Body(shop)))).Status);
        var forged = shop.Bytes.ToArray();
        forged[10] ^= 1;
        Assert.Equal(400, (await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{shop.Cid}", session, chain, $$"""{"token": "{{TokenText.Encode(forged)}}"}"""))).Status);
        var foreign = Ucans.Delegate(_stranger, _device.Did, _stranger.Did, "/", null, Now.AddDays(1));
        Assert.Equal(400, (await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{foreign.Cid}", session, chain, Body(foreign)))).Status);
        var held = Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Get, $"/v1/tokens/{org.Cid}", session, chain)));
        Assert.Equal((_org.Did, Ucans.Text(org)), (held.GetProperty("aud").GetString(), held.GetProperty("token").GetString()));
        await (await _server.Admin.GetAsync($"/v1/tokens/{shop.Cid}")).ProblemAsync(404, ErrorCodes.NotFound);
        await (await _server.Admin.GetAsync("/v1/tokens/nope")).ProblemAsync(400, ErrorCodes.InvalidValue);

        // Revoke: not by a stranger, nor by the read token; by the delegation's issuer (who proves it by signing).
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, $"/v1/tokens/{shop.Cid}", session, chain, Body(shop))), 201);
        var strangerSession = Ucans.Delegate(_stranger, ServerDid, Owner.Did, "/", null, Now.AddHours(1));
        var strangerRoot = Ucans.Delegate(Owner, _stranger.Did, Owner.Did, "/doc/read", null, Now.AddDays(1));
        var byStranger = await Http.AskAsync(Ucans.Session(HttpMethod.Post, $"/v1/tokens/{shop.Cid}/revoke", strangerSession, [strangerRoot]));
        Assert.Equal((403, ErrorCodes.Forbidden), (byStranger.Status, byStranger.Body.GetProperty("code").GetString()));
        await (await _server.Reader.PostAsync($"/v1/tokens/{shop.Cid}/revoke", null)).ProblemAsync(403, ErrorCodes.Forbidden);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/docs/orders/d1-a", session, chain, "{}")), 201);
        var orgSession = SessionOf(_org);
        Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/shop", orgSession, [org])));
        int cached = _server.Access.Ucans.CachedSessions;
        var revoked = Ucans.Ok(await Http.AskAsync(Ucans.Session(HttpMethod.Post, $"/v1/tokens/{shop.Cid}/revoke", orgSession, [org])));
        Assert.Equal(cached - 1, _server.Access.Ucans.CachedSessions); // the device's session, whose chain holds it, is evicted
        Assert.Equal((shop.Cid.ToString(), true), (revoked.GetProperty("cid").GetString(), revoked.GetProperty("revoked").GetBoolean()));
        // The cached session chain is refused from now on.
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop/docs/orders/d1-b", session, chain, "{}")),
            401, ErrorCodes.TokenRevoked, nameof(UcanError.Revoked), shop.Cid);
        // The owner may revoke anything, even a token it never saw.
        Ucans.Ok(await Http.AskAsync(Ucans.Request(HttpMethod.Post, $"/v1/tokens/{org.Cid}/revoke", _server.AdminToken)));
        Ucans.Refused(await Http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/shop", orgSession, [org])), 401, ErrorCodes.TokenRevoked, nameof(UcanError.Revoked), org.Cid);
    }

    [Fact]
    public async Task A_revocation_survives_a_restart()
    {
        using var folder = new Support.TempFolder();
        var options = new ServerOptions { DataDirectory = folder.Path, Urls = "http://127.0.0.1:0", Time = _time };
        Delegation grant, session;
        string url;
        var app = await CausewayServer.BuildAsync(options);
        await app.StartAsync();
        try
        {
            url = app.Urls.First();
            var owner = ((Replica)app.Services.GetService(typeof(Replica))!).Key;
            grant = Ucans.Delegate(owner, _device.Did, owner.Did, "/", null, Now.AddDays(1));
            session = Ucans.Delegate(_device, owner.Did, owner.Did, "/", null, Now.AddHours(1));
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Ucans.Ok(await http.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop", session, [grant])), 201);
            string admin = File.ReadAllText(Path.Combine(folder.Path, Causeway.Server.Access.StaticTokens.AdminFile)).Trim();
            Ucans.Ok(await http.AskAsync(Ucans.Request(HttpMethod.Post, $"/v1/tokens/{grant.Cid}/revoke", admin)));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        app = await CausewayServer.BuildAsync(options);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Ucans.Refused(await http.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/shop", session, [grant])), 401, ErrorCodes.TokenRevoked, nameof(UcanError.Revoked), grant.Cid);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_owner_key_of_its_own_is_the_subject_and_signs_the_root_delegations()
    {
        using var folder = new Support.TempFolder();
        string file = Path.Combine(folder.Path, "owner.key");
        using var owner = PrincipalKey.Create();
        owner.Save(file);
        await using var server = await ServerFixture.StartOnLoopbackAsync(new ServerOptions { Time = _time, OwnerKeyFile = file });
        var status = await (await server.Admin.GetAsync("/v1/status")).JsonAsync();
        Assert.Equal((server.Replica.Did, owner.Did), (status.GetProperty("replica").GetString(), status.GetProperty("owner").GetString()));

        string issue = $$"""{"audience": "{{_org.Did}}", "command": "/", "expires": {{Now.AddDays(1).ToUnixTimeSeconds()}}}""";
        var root = Delegation.Read(TokenText.Decode(Ucans.Ok(await server.Anonymous.AskAsync(Ucans.Request(HttpMethod.Post, "/v1/tokens", server.AdminToken, json: issue)), 201)
            .GetProperty("token").GetString()!));
        Assert.Equal((owner.Did, owner.Did), (root.Issuer, root.Subject));
        var session = Ucans.Delegate(_org, server.Replica.Did, owner.Did, "/", null, Now.AddHours(1));
        Ucans.Ok(await server.Anonymous.AskAsync(Ucans.Session(HttpMethod.Put, "/v1/dbs/shop", session, [root])), 201);
        // The server's re-delegation names the owner as its subject: signed by the server, it is no root.
        string pass = $$"""{"audience": "{{_device.Did}}", "command": "/doc", "db": "shop", "expires": {{Now.AddHours(1).ToUnixTimeSeconds()}}}""";
        var issued = Ucans.Ok(await server.Anonymous.AskAsync(Ucans.Session(HttpMethod.Post, "/v1/tokens", session, [root], pass)), 201);
        Assert.Equal((server.Replica.Did, owner.Did), (issued.GetProperty("iss").GetString(), issued.GetProperty("sub").GetString()));
        // A chain rooted in the replica's key is about the wrong subject now.
        var replicaRoot = Ucans.Delegate(server.Replica.Key, _org.Did, server.Replica.Did, "/", null, Now.AddDays(1));
        var replicaSession = Ucans.Delegate(_org, server.Replica.Did, server.Replica.Did, "/", null, Now.AddHours(1));
        Ucans.Refused(await server.Anonymous.AskAsync(Ucans.Session(HttpMethod.Get, "/v1/dbs/shop", replicaSession, [replicaRoot])),
            403, ErrorCodes.Forbidden, nameof(UcanError.InvalidSubject), replicaSession.Cid);
    }
}
