using Causeway.Tests.Support;
using System.Net.Http.Headers;
using System.Text.Json;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Tests.Http;

/// <summary>Requests carrying UCANs the way docs/api.md says a client in any language builds them:
/// <c>Authorization: Bearer base64url(envelope)</c> and <c>Ucans: token, token|CID, ..</c>, root first.</summary>
internal static class Ucans
{
    public static string Text(Delegation delegation) => TokenText.Encode(delegation.Bytes);
    public static string Text(Invocation invocation) => TokenText.Encode(invocation.Bytes);

    /// <summary>A request with <paramref name="bearer"/> and, when given, the proofs header.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string bearer, IEnumerable<string>? proofs = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (proofs is not null && proofs.Any()) request.Headers.TryAddWithoutValidation("Ucans", string.Join(", ", proofs));
        if (json is not null) request.Content = HttpExtensions.Json(json);
        return request;
    }

    /// <summary>A request made under a session delegation to the server, with its chain (root first).</summary>
    public static HttpRequestMessage Session(HttpMethod method, string path, Delegation session, IEnumerable<Delegation> chain, string? json = null)
        => Request(method, path, Text(session), chain.Select(Text), json);

    /// <summary>A request made by an invocation, its proofs sent as tokens.</summary>
    public static HttpRequestMessage Invoke(HttpMethod method, string path, Invocation invocation, IEnumerable<Delegation> proofs, string? json = null)
        => Request(method, path, Text(invocation), proofs.Select(Text), json);

    /// <summary>An invocation of <paramref name="command"/> by <paramref name="invoker"/> on the owner's
    /// <paramref name="resource"/>, proven by <paramref name="proofs"/> (root first).</summary>
    public static Invocation Invocation(PrincipalKey invoker, string owner, string command, Value resource, IEnumerable<Delegation> proofs, DateTimeOffset now, string? audience = null)
        => Causeway.Authority.Invocation.Create(invoker, owner, command, resource, proofs.Select(p => p.Cid), audience, now.AddMinutes(5));

    public static Delegation Delegate(PrincipalKey issuer, string audience, string? subject, string command, Value? policy, DateTimeOffset expires, DateTimeOffset? notBefore = null)
        => Delegation.Create(issuer, audience, subject, command, policy, expires, notBefore);

    public static async Task<(int Status, JsonElement Body)> AskAsync(this HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return ((int)response.StatusCode, body);
        }
    }

    /// <summary>Asserts a refusal: the status, the code, the UCAN reason and (when given) the proof it names.</summary>
    public static JsonElement Refused(this (int Status, JsonElement Body) answer, int status, string code, string ucanError, Cid? proof = null)
    {
        Assert.True(answer.Status == status, $"expected {status} {code} ({ucanError}), got {answer.Status}: {answer.Body}");
        Assert.Equal(code, answer.Body.GetProperty("code").GetString());
        Assert.Equal(ucanError, answer.Body.GetProperty("ucanError").GetString());
        string detail = answer.Body.GetProperty("detail").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(detail));
        if (proof is { } p)
        {
            Assert.Equal(p.ToString(), answer.Body.GetProperty("proof").GetString());
            Assert.Contains(p.ToString(), detail);
        }
        return answer.Body;
    }

    public static JsonElement Ok(this (int Status, JsonElement Body) answer, int status = 200)
    {
        Assert.True(answer.Status == status, $"expected {status}, got {answer.Status}: {answer.Body}");
        return answer.Body;
    }
}
