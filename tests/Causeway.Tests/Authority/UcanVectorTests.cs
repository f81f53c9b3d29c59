using System.Text.Json;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Tests.Authority;

/// <summary>Delegations and invocations against the UCAN 1.0 specification's own vectors
/// (Fixtures/ucan-1.0.0, from ucan-wg/spec@9955aa1): every valid invocation validates at the
/// vector's time, every invalid one is refused with the error the vector names, and the
/// delegation vector reads back field for field and is written again byte for byte.</summary>
public sealed class UcanVectorTests
{
    private static JsonElement Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "ucan-1.0.0", name))).RootElement;

    /// <summary>DAG-JSON bytes: <c>{"/": {"bytes": "base64, unpadded"}}</c>.</summary>
    private static byte[] DagJsonBytes(JsonElement e)
    {
        string text = e.GetProperty("/").GetProperty("bytes").GetString()!;
        return Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
    }

    public static TheoryData<string, int> InvocationCases()
    {
        var data = new TheoryData<string, int>();
        var fixture = Fixture("invocation.json");
        foreach (var group in new[] { "valid", "invalid" })
            for (int i = 0; i < fixture.GetProperty(group).GetArrayLength(); i++) data.Add(group, i);
        return data;
    }

    /// <summary>Validates a vector: proofs are what it sends; a token that does not even read counts as its refusal.</summary>
    private static void Validate(JsonElement vector)
    {
        var sent = new Dictionary<Cid, ReadOnlyMemory<byte>>();
        foreach (var proof in vector.GetProperty("proofs").EnumerateArray())
        {
            var bytes = DagJsonBytes(proof);
            sent[Cid.ForDagCbor(bytes)] = bytes;
        }
        var invocation = Invocation.Read(DagJsonBytes(vector.GetProperty("invocation")));
        invocation.Validate(cid => sent.TryGetValue(cid, out var bytes) ? Delegation.Read(bytes) : null, vector.GetProperty("time").GetInt64());
    }

    [Theory]
    [MemberData(nameof(InvocationCases))]
    public void Every_invocation_vector_validates_or_fails_as_the_spec_says(string group, int index)
    {
        var vector = Fixture("invocation.json").GetProperty(group)[index];
        if (group == "valid")
        {
            Validate(vector);
            return;
        }
        var error = Assert.Throws<UcanException>(() => Validate(vector));
        Assert.Equal(vector.GetProperty("error").GetProperty("name").GetString(), error.Error.ToString());
        Assert.Contains("bafy", error.Message);
    }

    [Fact]
    public void The_delegation_vector_reads_field_for_field()
    {
        var vector = Fixture("delegation.json").GetProperty("valid")[0];
        var bytes = Convert.FromBase64String(vector.GetProperty("token").GetString()!);
        var delegation = Delegation.Read(bytes);
        var payload = vector.GetProperty("envelope").GetProperty("payload");
        Assert.Equal(vector.GetProperty("cid").GetString(), delegation.Cid.ToString());
        Assert.Equal(payload.GetProperty("iss").GetString(), delegation.Issuer);
        Assert.Equal(payload.GetProperty("aud").GetString(), delegation.Audience);
        Assert.Equal(payload.GetProperty("sub").GetString(), delegation.Subject);
        Assert.Equal(payload.GetProperty("cmd").GetString(), delegation.Command);
        Assert.Equal(payload.GetProperty("exp").GetInt64(), delegation.Expiration);
        Assert.Null(delegation.NotBefore);
        Assert.Empty(delegation.PolicyForm.AsArray());
        Assert.Equal(Convert.FromBase64String(payload.GetProperty("nonce").GetString()!), delegation.Nonce);
        Assert.Equal("1.0.0", delegation.Envelope.TypeVersion);
    }

    [Fact]
    public void Causeway_writes_the_delegation_vector_byte_for_byte()
    {
        var vector = Fixture("delegation.json");
        var expected = Convert.FromBase64String(vector.GetProperty("valid")[0].GetProperty("token").GetString()!);
        var payload = vector.GetProperty("valid")[0].GetProperty("envelope").GetProperty("payload");
        using var issuer = Principal(vector, payload.GetProperty("iss").GetString()!);
        var written = Delegation.Create(issuer, payload.GetProperty("aud").GetString()!, payload.GetProperty("sub").GetString(),
            payload.GetProperty("cmd").GetString()!, expires: DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("exp").GetInt64()),
            nonce: Convert.FromBase64String(payload.GetProperty("nonce").GetString()!));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(written.Bytes.Span));
        Assert.Equal(vector.GetProperty("valid")[0].GetProperty("cid").GetString(), written.Cid.ToString());
    }

    /// <summary>The vector's principal whose DID is <paramref name="did"/> (keys are base64pad(varint(0x1300) ‖ seed)).</summary>
    private static PrincipalKey Principal(JsonElement vector, string did)
    {
        foreach (var principal in vector.GetProperty("principals").EnumerateObject())
        {
            var encoded = Convert.FromBase64String(principal.Value.GetString()!);
            Assert.Equal([0x80, 0x26], encoded[..2]);
            var key = PrincipalKey.FromSeed(encoded[2..]);
            if (key.Did == did) return key;
            key.Dispose();
        }
        throw new InvalidOperationException($"No principal of the vector is {did}.");
    }
}
