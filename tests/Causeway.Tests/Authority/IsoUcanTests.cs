using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>Causeway against an independent UCAN 1.0 implementation, npm's iso-ucan 0.5.0
/// (tests/js/ucan-peer.mjs): tokens it mints are accepted here (with its "@1.0.0-rc.1" tag and with
/// "@1.0.0"), and tokens minted here validate there. Each direction also shows a refusal, so
/// neither side is simply saying yes.</summary>
public sealed class IsoUcanTests
{
    private static readonly byte[] RootSeed = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] DeviceSeed = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];
    private const long Now = 1796000000;

    private static JsonElement Mint(string tag, JsonObject? invocation = null)
    {
        var request = new JsonObject
        {
            ["rootSeed"] = Convert.ToHexString(RootSeed),
            ["deviceSeed"] = Convert.ToHexString(DeviceSeed),
            ["now"] = Now,
            ["tag"] = tag,
            ["unchecked"] = true,
            ["root"] = new JsonObject { ["cmd"] = "/", ["exp"] = null },
            ["delegation"] = new JsonObject { ["cmd"] = "/doc", ["pol"] = JsonNode.Parse("""[["==", ".db", "shop"]]"""), ["exp"] = Now + 3600 },
            ["invocation"] = invocation ?? new JsonObject { ["cmd"] = "/doc/write", ["args"] = JsonNode.Parse("""{"db": "shop", "coll": "orders", "id": "d1-1"}"""), ["exp"] = null },
        };
        return NodeScript.Run("ucan-peer.mjs", request.ToJsonString(), "mint");
    }

    private static ProofChain ValidateHere(JsonElement minted)
    {
        var proofs = new[] { "rootDelegation", "delegation" }
            .Select(name => Delegation.Read(Convert.FromBase64String(minted.GetProperty(name).GetProperty("token").GetString()!)))
            .ToDictionary(d => d.Cid);
        var invocation = Invocation.Read(Convert.FromBase64String(minted.GetProperty("invocation").GetProperty("token").GetString()!));
        Assert.Equal(minted.GetProperty("invocation").GetProperty("cid").GetString(), invocation.Cid.ToString());
        return invocation.Validate(cid => proofs.GetValueOrDefault(cid), Now);
    }

    [Theory]
    [InlineData("native", "1.0.0-rc.1")]
    [InlineData("1.0.0", "1.0.0")]
    public void Tokens_iso_ucan_mints_are_accepted(string tag, string version)
    {
        var minted = Mint(tag);
        Assert.Equal($"ucan/inv@{version}", minted.GetProperty("invocation").GetProperty("tag").GetString());
        Assert.Equal("3401ed01ed011371", minted.GetProperty("invocation").GetProperty("header").GetString());
        using var root = PrincipalKey.FromSeed(RootSeed);
        using var device = PrincipalKey.FromSeed(DeviceSeed);
        var chain = ValidateHere(minted);
        Assert.Equal(root.Did, chain.Subject);
        Assert.Equal(device.Did, chain.Invoker);
        Assert.True(chain.Allows("/doc/read", Value.Map([new("db", Value.String("shop"))])));
        Assert.False(chain.Allows("/schema/write", Value.Map([new("db", Value.String("shop"))])));
        Assert.False(chain.Allows("/doc/read", Value.Map([new("db", Value.String("shop2"))])));
    }

    [Fact]
    public void An_iso_ucan_invocation_outside_its_policy_is_refused_here()
    {
        var minted = Mint("native", new JsonObject { ["cmd"] = "/doc/write", ["args"] = JsonNode.Parse("""{"db": "acmecorp"}"""), ["exp"] = null });
        var refused = Assert.Throws<UcanException>(() => ValidateHere(minted));
        Assert.Equal(UcanError.MatchError, refused.Error);
        Assert.Equal(minted.GetProperty("delegation").GetProperty("cid").GetString(), refused.Proof);
    }

    private static JsonElement VerifyThere(Invocation invocation, params Delegation[] proofs) => NodeScript.Run("ucan-peer.mjs",
        new JsonObject
        {
            ["invocation"] = Convert.ToBase64String(invocation.Bytes.Span),
            ["delegations"] = new JsonArray([.. proofs.Select(p => (JsonNode)Convert.ToBase64String(p.Bytes.Span))]),
            ["now"] = Now,
        }.ToJsonString(), "verify");

    [Fact]
    public void Tokens_minted_here_validate_in_iso_ucan()
    {
        using var owner = PrincipalKey.Create();
        using var shop = PrincipalKey.Create();
        using var device = PrincipalKey.Create();
        var root = Delegation.Create(owner, shop.Did, owner.Did, "/doc");
        var narrowed = Delegation.Create(shop, device.Did, owner.Did, "/doc/write",
            policy: Value.Array([Value.Array([Value.String("like"), Value.String(".id"), Value.String("d1-*")])]),
            expires: DateTimeOffset.FromUnixTimeSeconds(Now + 3600), notBefore: DateTimeOffset.FromUnixTimeSeconds(Now - 60));
        var args = Value.Map([new("db", Value.String("shop")), new("coll", Value.String("orders")), new("id", Value.String("d1-7"))]);
        var invocation = Invocation.Create(device, owner.Did, "/doc/write", args, [root.Cid, narrowed.Cid]);

        var there = VerifyThere(invocation, narrowed, root);
        Assert.True(there.GetProperty("ok").GetBoolean(), there.ToString());
        Assert.Equal(invocation.Cid.ToString(), there.GetProperty("cid").GetString());
        invocation.Validate(cid => new[] { root, narrowed }.FirstOrDefault(d => d.Cid == cid), Now);

        var outside = Invocation.Create(device, owner.Did, "/doc/write",
            Value.Map([new("db", Value.String("shop")), new("id", Value.String("d2-1"))]), [root.Cid, narrowed.Cid]);
        Assert.False(VerifyThere(outside, root, narrowed).GetProperty("ok").GetBoolean());
        Assert.Equal(UcanError.MatchError, Assert.Throws<UcanException>(() =>
            outside.Validate(cid => new[] { root, narrowed }.FirstOrDefault(d => d.Cid == cid), Now)).Error);
    }
}
