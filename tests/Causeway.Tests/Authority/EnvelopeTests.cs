using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Authority;

/// <summary>The UCAN envelope is read strictly: both Ed25519 varsig headers other implementations emit
/// and both type tags are read; anything else (another header or tag, an unknown field, a field of
/// the wrong kind, non-canonical CBOR, an oversized token, a bad signature) is refused as malformed
/// or unsigned, naming the token's CID.</summary>
public sealed class EnvelopeTests
{
    private static readonly PrincipalKey Alice = PrincipalKey.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly PrincipalKey Bob = PrincipalKey.FromSeed([.. Enumerable.Range(41, 32).Select(i => (byte)i)]);

    private static List<(string, IpldNode)> Payload() =>
    [
        ("iss", IpldNode.String(Alice.Did)), ("aud", IpldNode.String(Bob.Did)), ("sub", IpldNode.String(Alice.Did)),
        ("cmd", IpldNode.String("/doc/read")), ("pol", IpldNode.List()), ("nonce", IpldNode.Bytes([1, 2, 3])), ("exp", IpldNode.Null),
    ];

    /// <summary>Signs a payload with any header and tag, as another implementation might.</summary>
    private static byte[] Sign(byte[] header, string tag, IEnumerable<(string, IpldNode)> payload, PrincipalKey? key = null)
    {
        var signed = IpldNode.Map(("h", IpldNode.Bytes(header)), (tag, IpldNode.Map(payload)));
        return DagCbor.Encode(IpldNode.List(IpldNode.Bytes((key ?? Alice).Sign(DagCbor.Encode(signed))), signed));
    }

    [Theory]
    [InlineData("3401ed01ed011371", "ucan/dlg@1.0.0")]
    [InlineData("3401ed01ed011371", "ucan/dlg@1.0.0-rc.1")]
    [InlineData("34ed01ed011371", "ucan/dlg@1.0.0")]
    [InlineData("34ed01ed011371", "ucan/dlg@1.0.0-rc.1")]
    public void Both_headers_and_both_tags_are_read(string header, string tag)
    {
        var delegation = Delegation.Read(Sign(Convert.FromHexString(header), tag, Payload()));
        Assert.Equal(Alice.Did, delegation.Issuer);
        Assert.Equal("/doc/read", delegation.Command);
    }

    public static TheoryData<string, byte[]> Refused()
    {
        var header = Convert.FromHexString("3401ed01ed011371");
        var good = Sign(header, "ucan/dlg@1.0.0", Payload());
        var flipped = (byte[])good.Clone();
        flipped[5] ^= 1;
        var nonCanonical = (byte[])good.Clone();
        nonCanonical[0] = 0x9f;   // an indefinite-length array
        return new TheoryData<string, byte[]>
        {
            { "RSA header", Sign(Convert.FromHexString("3401852412"), "ucan/dlg@1.0.0", Payload()) },
            { "raw payload", Sign(Convert.FromHexString("3401ed01ed01135f"), "ucan/dlg@1.0.0", Payload()) },
            { "other tag", Sign(header, "ucan/dlg@0.9.1", Payload()) },
            { "invocation tag", Sign(header, "ucan/inv@1.0.0", Payload()) },
            { "unknown field", Sign(header, "ucan/dlg@1.0.0", [.. Payload(), ("prf", IpldNode.List())]) },
            { "exp absent", Sign(header, "ucan/dlg@1.0.0", Payload().Where(f => f.Item1 != "exp")) },
            { "command not a command", Sign(header, "ucan/dlg@1.0.0", [.. Payload().Where(f => f.Item1 != "cmd"), ("cmd", IpldNode.String("doc/read"))]) },
            { "policy not a policy", Sign(header, "ucan/dlg@1.0.0", [.. Payload().Where(f => f.Item1 != "pol"), ("pol", IpldNode.List(IpldNode.String("==")))]) },
            { "issuer not a did", Sign(header, "ucan/dlg@1.0.0", [.. Payload().Where(f => f.Item1 != "iss"), ("iss", IpldNode.String("alice"))]) },
            { "signed by another key", Sign(header, "ucan/dlg@1.0.0", Payload(), Bob) },
            { "a flipped signature byte", flipped },
            { "not canonical", nonCanonical },
            { "oversized", Sign(header, "ucan/dlg@1.0.0", [.. Payload(), ("meta", IpldNode.Map(("x", IpldNode.Bytes(new byte[Envelope.MaxBytes]))))]) },
            { "not CBOR", [0xff, 0x00] },
        };
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Anything_else_is_refused(string why, byte[] token)
    {
        var refused = Assert.Throws<UcanException>(() => Delegation.Read(token));
        Assert.True(refused.Error is UcanError.Malformed or UcanError.InvalidSignature, $"{why}: {refused.Error}");
        Assert.True(refused.Code is ErrorCodes.TokenInvalid, why);
        Assert.Contains("bafy", refused.Message);
    }

    [Fact]
    public void A_delegation_before_its_not_before_or_after_its_expiry_gives_nothing_beyond_the_skew()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var link = Delegation.Create(Alice, Bob.Did, Alice.Did, "/doc", notBefore: start, expires: start.AddHours(1));
        long skew = (long)ProofChain.ClockSkew.TotalSeconds;
        Assert.Equal(UcanError.TooEarly, Assert.Throws<UcanException>(() => ProofChain.Establish(Bob.Did, Alice.Did, [link], start.ToUnixTimeSeconds() - skew - 1)).Error);
        ProofChain.Establish(Bob.Did, Alice.Did, [link], start.ToUnixTimeSeconds() - skew);
        ProofChain.Establish(Bob.Did, Alice.Did, [link], start.AddHours(1).ToUnixTimeSeconds() + skew);
        Assert.Equal(UcanError.Expired, Assert.Throws<UcanException>(() => ProofChain.Establish(Bob.Did, Alice.Did, [link], start.AddHours(1).ToUnixTimeSeconds() + skew + 1)).Error);
    }

    /// <summary>Whatever is written reads back the same, with the same CID, and every policy
    /// statement that was written still decides the same way.</summary>
    [Fact]
    public void Created_delegations_read_back_unchanged()
    {
        string[] choices = ["/", "/doc", "/doc/write", "/db/admin", "/fn/call"];
        var commands = Gen.Int[0, choices.Length - 1].Select(i => choices[i]);
        var prefixes = Gen.String[Gen.Char['a', 'z'], 1, 8];
        Gen.Select(commands, prefixes, Gen.Long[0, 4_000_000_000], Gen.Bool).Sample((command, prefix, exp, powerline) =>
        {
            var policy = Scope.IdPrefix("shop", "orders", prefix + "-");
            var written = Delegation.Create(Alice, Bob.Did, powerline ? null : Alice.Did, command, policy, expires: DateTimeOffset.FromUnixTimeSeconds(exp));
            var read = Delegation.Read(written.Bytes);
            Assert.Equal(written.Cid, read.Cid);
            Assert.Equal(command, read.Command);
            Assert.Equal(powerline ? null : Alice.Did, read.Subject);
            Assert.Equal(exp, read.Expiration);
            Assert.Equal(policy, read.PolicyForm);
            Assert.True(read.Policy.Matches(Resource.Of("shop", "orders", prefix + "-1")));
            Assert.False(read.Policy.Matches(Resource.Of("shop", "orders", "x" + prefix + "-1")));
        }, iter: 200);
    }
}
