using Causeway.Authority;
using Causeway.Errors;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>A <see cref="Credential"/> makes the headers of docs/api.md's UCAN carriage: a session
/// delegation from the key to the server (Authorization) with the chain root first (Ucans), which the
/// validator accepts for what the chain allows and refuses for anything else; renewed when less than a
/// minute is left; and one-shot invocations.</summary>
public sealed class CredentialTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class Clock(DateTimeOffset at) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = at;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>owner → alice (/doc on acme and below) → device: the device's credential.</summary>
    private sealed class World : IDisposable
    {
        public PrincipalKey Owner { get; } = PrincipalKey.Create();
        public PrincipalKey Server { get; } = PrincipalKey.Create();
        public PrincipalKey Alice { get; } = PrincipalKey.Create();
        public PrincipalKey Device { get; } = PrincipalKey.Create();
        public Clock Clock { get; } = new(Start);
        public IReadOnlyList<Delegation> Chain { get; }

        public World()
        {
            var root = Delegation.Create(Owner, Alice.Did, Owner.Did, "/doc", Scope.Database("acme"), Start.AddDays(30));
            var link = Delegation.Create(Alice, Device.Did, Owner.Did, "/doc/read", Scope.Anything, Start.AddDays(1));
            Chain = [root, link];
        }

        public long Now => Clock.Now.ToUnixTimeSeconds();

        public void Dispose()
        {
            foreach (var key in new[] { Owner, Server, Alice, Device }) key.Dispose();
        }
    }

    /// <summary>What a server does with the headers: reads the session delegation and the proofs, and establishes the chain.</summary>
    private static ProofChain Validate(UcanHeaders headers, string server, string owner, long now)
    {
        var session = Delegation.Read(TokenText.Decode(headers.Token));
        var proofs = TokenText.SplitUcans(headers.Ucans).Select(TokenText.ReadDelegation).ToList();
        return ProofChain.Establish(server, owner, [.. proofs, session], now);
    }

    [Fact]
    public void A_session_passes_the_validator_for_what_the_chain_allows_and_fails_outside_it()
    {
        using var world = new World();
        var credential = new Credential(world.Device, world.Chain, world.Clock);
        var headers = credential.SessionHeaders(world.Server.Did, world.Owner.Did);

        Assert.StartsWith("Bearer ", headers.Authorization);
        Assert.Equal(world.Chain.Select(TokenText.Encode), TokenText.SplitUcans(headers.Ucans));
        var session = Delegation.Read(TokenText.Decode(headers.Token));
        Assert.Equal((world.Device.Did, world.Server.Did, world.Owner.Did, "/"), (session.Issuer, session.Audience, session.Subject, session.Command));
        Assert.Equal(world.Now + 300, session.Expiration);

        var chain = Validate(headers, world.Server.Did, world.Owner.Did, world.Now);
        chain.Authorize(Commands.DocRead, Resource.Of("acme.shop", "orders", "o-1"));
        Assert.True(chain.Allows(Commands.DocRead, Resource.Of("acme")));
        Assert.Equal(UcanError.InvalidClaim, Assert.Throws<UcanException>(() => chain.Authorize(Commands.DocWrite, Resource.Of("acme"))).Error);
        Assert.Equal(UcanError.MatchError, Assert.Throws<UcanException>(() => chain.Authorize(Commands.DocRead, Resource.Of("acmecorp"))).Error);
        // For another server, the session is not valid.
        Assert.Equal(UcanError.InvalidAudience, Assert.Throws<UcanException>(() => Validate(headers, world.Alice.Did, world.Owner.Did, world.Now)).Error);
    }

    [Fact]
    public void The_owner_signs_for_itself_without_proofs()
    {
        using var world = new World();
        var credential = new Credential(world.Owner, [], world.Clock);
        var headers = credential.SessionHeaders(world.Server.Did, world.Owner.Did);
        Assert.Null(headers.Ucans);
        Validate(headers, world.Server.Did, world.Owner.Did, world.Now).Authorize(Commands.DbAdmin, Resource.Of("anything"));
        // A key without proofs has no authority over another owner: refused here, before any request.
        Assert.Equal(UcanError.InvalidClaim, Assert.Throws<UcanException>(() => credential.SessionHeaders(world.Server.Did, world.Alice.Did)).Error);
    }

    [Fact]
    public void A_narrower_session_carries_its_own_command_and_policy()
    {
        using var world = new World();
        var credential = new Credential(world.Device, world.Chain, world.Clock)
        {
            SessionCommand = Commands.DocRead, SessionPolicy = Scope.Collection("acme", "orders"), SessionLifetime = TimeSpan.FromHours(2),
        };
        var headers = credential.SessionHeaders(world.Server.Did, world.Owner.Did);
        var chain = Validate(headers, world.Server.Did, world.Owner.Did, world.Now);
        Assert.True(chain.Allows(Commands.DocRead, Resource.Of("acme", "orders", "o-1")));
        Assert.False(chain.Allows(Commands.DocRead, Resource.Of("acme", "users", "u-1")));
        Assert.Equal(world.Now + 7200, Delegation.Read(TokenText.Decode(headers.Token)).Expiration);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Credential(world.Device, world.Chain, world.Clock) { SessionLifetime = TimeSpan.FromHours(25) });
        Assert.Throws<InvalidInputException>(() => new Credential(world.Device, world.Chain, world.Clock) { SessionCommand = "doc" });
    }

    [Fact]
    public void A_session_is_reused_until_less_than_a_minute_is_left_then_renewed()
    {
        using var world = new World();
        var credential = new Credential(world.Device, world.Chain, world.Clock);
        var first = credential.SessionHeaders(world.Server.Did, world.Owner.Did);
        world.Clock.Now = Start.AddMinutes(3);
        Assert.Same(first, credential.SessionHeaders(world.Server.Did, world.Owner.Did));
        world.Clock.Now = Start.AddMinutes(4).AddSeconds(1);
        var second = credential.SessionHeaders(world.Server.Did, world.Owner.Did);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(world.Now + 300, Delegation.Read(TokenText.Decode(second.Token)).Expiration);
        Validate(second, world.Server.Did, world.Owner.Did, world.Now);
        // Another server gets its own session.
        using var other = PrincipalKey.Create();
        Assert.Equal(other.Did, Delegation.Read(TokenText.Decode(credential.SessionHeaders(other.Did, world.Owner.Did).Token)).Audience);
    }

    [Fact]
    public async Task Sessions_are_made_once_when_many_ask_at_once()
    {
        using var world = new World();
        var credential = new Credential(world.Device, world.Chain, world.Clock);
        var all = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => credential.SessionHeaders(world.Server.Did, world.Owner.Did))));
        Assert.Single(all.Select(h => h.Token).Distinct());
    }

    [Fact]
    public void An_invocation_is_proven_by_the_chain_and_one_outside_it_is_refused()
    {
        using var world = new World();
        var credential = new Credential(world.Device, world.Chain, world.Clock);
        var headers = credential.InvocationHeaders(world.Owner.Did, Commands.DocRead, Resource.Of("acme", "orders", "o-1"), audience: world.Server.Did);
        var invocation = Invocation.Read(TokenText.Decode(headers.Token));
        Assert.Equal(world.Chain.Select(c => c.Cid), invocation.Proofs);
        Assert.Equal(world.Now + 300, invocation.Expiration);
        var sent = TokenText.SplitUcans(headers.Ucans).Select(TokenText.ReadDelegation).ToDictionary(d => d.Cid);
        invocation.Validate(cid => sent.GetValueOrDefault(cid), world.Now);

        Assert.Equal(UcanError.InvalidClaim, Assert.Throws<UcanException>(() => credential.InvocationHeaders(world.Owner.Did, Commands.DocWrite, Resource.Of("acme"))).Error);
        Assert.Equal(UcanError.MatchError, Assert.Throws<UcanException>(() => credential.InvocationHeaders(world.Owner.Did, Commands.DocRead, Resource.Of("other"))).Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => credential.InvocationHeaders(world.Owner.Did, Commands.DocRead, Resource.Of("acme"), lifetime: TimeSpan.FromMinutes(11)));
    }

    [Fact]
    public void A_chain_that_does_not_line_up_is_refused_when_the_credential_is_made()
    {
        using var world = new World();
        // The chain ends at the device, not at alice.
        Assert.Equal(UcanError.InvalidAudience, Assert.Throws<UcanException>(() => new Credential(world.Alice, world.Chain, world.Clock)).Error);
        // The root is missing.
        Assert.Equal(UcanError.InvalidClaim, Assert.Throws<UcanException>(() => new Credential(world.Device, [world.Chain[1]], world.Clock)).Error);
        // Expired.
        world.Clock.Now = Start.AddDays(2);
        Assert.Equal(UcanError.Expired, Assert.Throws<UcanException>(() => new Credential(world.Device, world.Chain, world.Clock)).Error);
        Assert.Throws<InvalidInputException>(() => new Credential(world.Owner, [], world.Clock).SessionHeaders("did:key:nope", world.Owner.Did));
    }

    [Fact]
    public void A_chain_file_holds_one_token_a_line_root_first_with_comments()
    {
        using var world = new World();
        string text = ChainFile.Format(world.Chain);
        Assert.StartsWith("# ", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.Length > 0 && l[0] != '#'));
        Assert.Equal(world.Chain.Select(c => c.Cid), ChainFile.Parse(text).Select(c => c.Cid));
        Assert.Equal(world.Chain.Select(c => c.Cid), ChainFile.Parse("\r\n  # mine\r\n" + string.Join("\r\n", world.Chain.Select(TokenText.Encode)) + "\r\n").Select(c => c.Cid));

        var bad = Assert.Throws<InvalidInputException>(() => ChainFile.Parse($"# x\n{TokenText.Encode(world.Chain[0])}\nnot-a-token!\n", "chain.txt"));
        Assert.StartsWith("chain.txt, line 3: ", bad.Message);
        // A flipped byte breaks the signature (or the CBOR): the line is named.
        var bytes = world.Chain[0].Bytes.ToArray();
        bytes[^3] ^= 1;
        Assert.Contains("line 1", Assert.Throws<InvalidInputException>(() => ChainFile.Parse(TokenText.Encode(bytes))).Message);

        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "device.chain");
        File.WriteAllText(path, text);
        string keyPath = Path.Combine(folder.Path, "device.key");
        world.Device.Save(keyPath);
        using var credential = Credential.Load(keyPath, path, world.Clock);
        Assert.Equal(world.Device.Did, credential.Did);
        Assert.Equal(world.Owner.Did, credential.Subject);
        Assert.Throws<InvalidInputException>(() => Credential.Load(Path.Combine(folder.Path, "missing.key")));
        Assert.Throws<InvalidInputException>(() => ChainFile.Load(Path.Combine(folder.Path, "missing.chain")));
    }
}
