using System.Text.Json;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Client;

/// <summary>What to ask the server to delegate (<c>POST /v1/tokens</c>): <see cref="Command"/> to
/// <see cref="Audience"/>, on a database (and its children), a collection, the ids with a prefix or one
/// document, further narrowed by <see cref="Policy"/>, until <see cref="Expires"/>.</summary>
public sealed record TokenRequest(string Audience, string Command, DateTimeOffset Expires)
{
    public string? Database { get; init; }
    public string? Collection { get; init; }
    public string? IdPrefix { get; init; }
    public string? Id { get; init; }

    /// <summary>More policy statements (a list), beyond the scope above.</summary>
    public Value? Policy { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
}

public sealed partial class CausewayClient
{
    /// <summary>Asks the server to issue a delegation (<c>POST /v1/tokens</c>); answers it with the chain that proves it.</summary>
    public Task<DelegationToken> IssueTokenAsync(TokenRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authority.Command.Validate(request.Command);
        if (!Security.DidKey.IsValid(request.Audience))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The audience '{Documents.Names.Clip(request.Audience)}' is not an Ed25519 did:key.");
        return SendAsync(HttpMethod.Post, "v1/tokens", w => WriteTokenRequest(w, request), DelegationTokenJson.Read, cancellation);
    }

    /// <summary>Hands the server a delegation to hold (<c>PUT /v1/tokens/{cid}</c>), so requests may name it by CID in <c>Ucans</c>.</summary>
    public async Task StoreTokenAsync(Delegation delegation, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        using var response = await SendRawAsync(HttpMethod.Put, $"v1/tokens/{delegation.Cid}", w =>
        {
            w.WriteStartObject();
            w.WriteString("token", TokenText.Encode(delegation));
            w.WriteEndObject();
        }, HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
    }

    /// <summary>Revokes a delegation the server holds (<c>POST /v1/tokens/{cid}/revoke</c>): no chain through it is accepted afterwards.</summary>
    public async Task RevokeTokenAsync(Cid cid, CancellationToken cancellation = default)
    {
        if (cid.IsDefault) throw new ArgumentException("No CID given.", nameof(cid));
        using var response = await SendRawAsync(HttpMethod.Post, $"v1/tokens/{cid}/revoke", null, HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
    }

    private static void WriteTokenRequest(Utf8JsonWriter w, TokenRequest request)
    {
        w.WriteStartObject();
        w.WriteString("audience", request.Audience);
        w.WriteString("command", request.Command);
        if (request.Database is not null) w.WriteString("db", request.Database);
        if (request.Collection is not null) w.WriteString("coll", request.Collection);
        if (request.IdPrefix is not null) w.WriteString("idPrefix", request.IdPrefix);
        if (request.Id is not null) w.WriteString("id", request.Id);
        if (request.Policy is { } policy)
        {
            w.WritePropertyName("policy");
            ValueJson.Write(w, policy);
        }
        w.WriteNumber("expires", request.Expires.ToUnixTimeSeconds());
        if (request.NotBefore is { } nbf) w.WriteNumber("notBefore", nbf.ToUnixTimeSeconds());
        w.WriteEndObject();
    }
}
