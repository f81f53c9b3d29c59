using Causeway.Authority;
using Causeway.Client;
using Causeway.Errors;
using Causeway.Tests.Support;

namespace Causeway.Tests.Client;

/// <summary>Protocol tests of a client that signs for itself, against <see cref="UcanServerStub"/> (a
/// loopback stand-in built to docs/api.md's UCAN carriage) until the real server accepts UCAN: the
/// server's DID and owner come from one unsigned <c>GET /v1/status</c>, then every request carries a
/// session delegation to that server about that owner in <c>Authorization</c> and the chain, root
/// first, in <c>Ucans</c>; the token endpoints are called with the documented shapes.</summary>
public sealed class SigningClientProtocolTests
{
    private sealed class Keys : IDisposable
    {
        public PrincipalKey Owner { get; } = PrincipalKey.Create();
        public PrincipalKey Server { get; } = PrincipalKey.Create();
        public PrincipalKey Alice { get; } = PrincipalKey.Create();

        /// <summary>owner → alice: /db/read and /token/issue, acme and below.</summary>
        public IReadOnlyList<Delegation> AliceChain(string owner) =>
            [Delegation.Create(Owner, Alice.Did, owner, "/", Scope.Database("acme"), DateTimeOffset.UtcNow.AddDays(1))];

        public void Dispose()
        {
            Owner.Dispose();
            Server.Dispose();
            Alice.Dispose();
        }
    }

    [Fact]
    public async Task Protocol_status_once_unsigned_then_a_session_delegation_and_the_chain_on_every_request()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner);
        var chain = keys.AliceChain(keys.Owner.Did);
        using var credential = new Credential(keys.Alice, chain);
        using var client = new CausewayClient(new Uri(stub.Url), credential);

        Assert.Equal(["acme"], await client.ListDatabasesAsync());
        Assert.Equal("acme", (await (await client.GetDatabaseAsync("acme")).InfoAsync()).Name);
        Assert.Equal(keys.Owner.Did, (await client.GetStatusAsync()).Owner);

        var requests = stub.Requests;
        Assert.Equal(["GET /v1/status", "GET /v1/dbs", "GET /v1/dbs/acme", "GET /v1/dbs/acme", "GET /v1/status"], requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Null(requests[0].Authorization);
        Assert.Null(requests[0].Ucans);
        foreach (var signed in requests.Skip(1))
        {
            Assert.StartsWith("Bearer ", signed.Authorization);
            var session = Delegation.Read(TokenText.Decode(signed.Authorization!["Bearer ".Length..]));
            Assert.Equal((keys.Alice.Did, keys.Server.Did, keys.Owner.Did, "/"), (session.Issuer, session.Audience, session.Subject, session.Command));
            Assert.Equal(TokenText.Encode(chain[0]), signed.Ucans);
        }
        // One session for all of them (renewed only near its end).
        Assert.Single(requests.Skip(1).Select(r => r.Authorization).Distinct());
    }

    [Fact]
    public async Task Protocol_a_session_outside_the_chain_is_refused_by_the_server_side_check()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner);
        using var credential = new Credential(keys.Alice, keys.AliceChain(keys.Owner.Did));
        using var client = new CausewayClient(new Uri(stub.Url), credential);
        var e = await Assert.ThrowsAsync<ForbiddenException>(() => client.GetDatabaseAsync("other"));
        Assert.Contains("policy", e.Message);
    }

    [Fact]
    public async Task Protocol_without_an_owner_in_status_the_replica_is_the_subject()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner, namesOwner: false);
        // The server's own key speaks for itself: no proofs, no Ucans header.
        using var credential = new Credential(keys.Server, []);
        using var client = new CausewayClient(new Uri(stub.Url), credential);
        Assert.Equal((keys.Server.Did, keys.Server.Did), await client.GetServerIdentityAsync());
        await client.ListDatabasesAsync();
        var signed = stub.Requests[^1];
        Assert.Null(signed.Ucans);
        Assert.Equal(keys.Server.Did, Delegation.Read(TokenText.Decode(signed.Authorization!["Bearer ".Length..])).Subject);
    }

    [Fact]
    public async Task Protocol_a_chain_about_another_owner_is_refused_before_anything_is_signed()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner);
        using var stranger = PrincipalKey.Create();
        var chain = new[] { Delegation.Create(stranger, keys.Alice.Did, stranger.Did, "/", expires: DateTimeOffset.UtcNow.AddDays(1)) };
        using var credential = new Credential(keys.Alice, chain);
        using var client = new CausewayClient(new Uri(stub.Url), credential);
        var e = await Assert.ThrowsAsync<UcanException>(() => client.ListDatabasesAsync());
        Assert.Contains(keys.Owner.Did, e.Message);
        Assert.Equal(["/v1/status"], stub.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Protocol_a_server_that_will_not_say_who_it_is_is_reported_plainly()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner) { StatusNeedsCredentials = true };
        using var credential = new Credential(keys.Alice, keys.AliceChain(keys.Owner.Did));
        using var client = new CausewayClient(new Uri(stub.Url), credential);
        var e = await Assert.ThrowsAsync<UnauthorizedException>(() => client.ListDatabasesAsync());
        Assert.Contains("GET /v1/status", e.Message);
    }

    [Fact]
    public async Task Protocol_tokens_are_issued_and_revoked_with_the_documented_shapes()
    {
        using var keys = new Keys();
        await using var stub = new UcanServerStub(keys.Server, keys.Owner);
        using var credential = new Credential(keys.Alice, keys.AliceChain(keys.Owner.Did));
        using var http = new HttpClient { BaseAddress = new Uri(stub.Url) };
        using var client = new CausewayClient(http, credential);
        using var device = PrincipalKey.Create();
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var issued = await client.IssueTokenAsync(new TokenRequest(device.Did, Commands.DocRead, expires) { Database = "acme", Collection = "orders", IdPrefix = "d1-" });

        var post = stub.Requests[^1];
        Assert.Equal(("POST", "/v1/tokens"), (post.Method, post.Path));
        Assert.Equal($$"""{"audience":"{{device.Did}}","command":"/doc/read","db":"acme","coll":"orders","idPrefix":"d1-","expires":{{expires.ToUnixTimeSeconds()}}}""", post.Body);
        var token = TokenText.ReadDelegation(issued.Token);
        Assert.Equal(issued.Cid, token.Cid);
        Assert.Equal((keys.Server.Did, device.Did, keys.Owner.Did), (token.Issuer, token.Audience, token.Subject));
        var chain = issued.Chain.Select(l => TokenText.ReadDelegation(l.Token)).Append(token).ToList();
        var proven = ProofChain.Establish(device.Did, keys.Owner.Did, chain, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(proven.Allows(Commands.DocRead, Resource.Of("acme", "orders", "d1-7")));
        Assert.False(proven.Allows(Commands.DocRead, Resource.Of("acme", "orders", "d2-7")));

        await client.RevokeTokenAsync(token.Cid);
        Assert.Equal(("POST", $"/v1/tokens/{token.Cid}/revoke"), (stub.Requests[^1].Method, stub.Requests[^1].Path));
        await Assert.ThrowsAsync<InvalidInputException>(() => client.IssueTokenAsync(new TokenRequest("did:key:nope", Commands.DocRead, expires)));
    }
}
