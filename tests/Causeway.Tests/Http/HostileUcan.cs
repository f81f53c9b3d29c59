using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Tests.Http;

/// <summary>A capability token the hostile-request test sends instead of a static one: its bearer
/// header, its <c>Ucans</c> header, and what every /v1 request with it must get: 401 (unusable), 403
/// (refused as it is read: another audience, a chain no request could use), or 0 for a sound session
/// that may not write: by its command (<paramref name="ByCommand"/>: a write gets 403 before its
/// names are looked at, as with the read token) or by its policy (a write is refused, 400 for bad
/// names first).</summary>
internal sealed record HostileUcan(string Name, string Authorization, string? Proofs, int Status, bool ByCommand = true)
{
    public override string ToString() => Name;

    /// <summary>Delegations from <paramref name="server"/>'s owner that no request's chain uses, for the
    /// run to hold, read and revoke as it likes.</summary>
    public static IReadOnlyList<(string Cid, string Token)> Spare(ServerFixture server, int count)
    {
        var owner = server.Replica.Key;
        using var someone = PrincipalKey.Create();
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var d = Delegation.Create(owner, someone.Did, owner.Did, Commands.DocRead, Scope.Database(HostileGenerator.Target), DateTimeOffset.UtcNow.AddDays(1));
            return (d.Cid.ToString(), TokenText.Encode(d.Bytes));
        })];
    }

    /// <summary>One token of each class, against <paramref name="server"/>'s owner (its replica key).</summary>
    public static async Task<IReadOnlyList<HostileUcan>> MakeAsync(ServerFixture server)
    {
        var owner = server.Replica.Key;
        string serverDid = server.Replica.Did;
        using var device = PrincipalKey.Create();
        using var other = PrincipalKey.Create();
        var now = DateTimeOffset.UtcNow;
        static string Text(ReadOnlyMemory<byte> bytes) => TokenText.Encode(bytes);
        string Bearer(ReadOnlyMemory<byte> bytes) => "Bearer " + Text(bytes);
        string Chain(params Delegation[] links) => string.Join(", ", links.Select(l => Text(l.Bytes)));

        var root = Delegation.Create(owner, device.Did, owner.Did, "/", null, now.AddDays(1));
        var readOnly = Delegation.Create(device, serverDid, owner.Did, Commands.DocRead, Scope.Database(HostileGenerator.Target), now.AddHours(6));
        var session = Delegation.Create(device, serverDid, owner.Did, "/", null, now.AddHours(6));
        var expired = Delegation.Create(owner, device.Did, owner.Did, "/", null, now.AddHours(-2));
        var early = Delegation.Create(device, serverDid, owner.Did, "/", null, now.AddHours(6), notBefore: now.AddHours(1));
        var forged = session.Bytes.ToArray();
        forged[20] ^= 0x40;
        var unheld = Delegation.Create(owner, device.Did, owner.Did, "/", null, now.AddDays(1));
        var revoked = Delegation.Create(owner, device.Did, owner.Did, "/", null, now.AddDays(1));
        (await server.Admin.PostAsync($"/v1/tokens/{revoked.Cid}/revoke", null)).EnsureSuccessStatusCode();
        var replayed = Invocation.Create(device, owner.Did, Commands.DbRead, Resource.Of(HostileGenerator.Target), [root.Cid], expires: now.AddMinutes(9));
        using (var first = new HttpRequestMessage(HttpMethod.Get, "/v1/status"))
        {
            first.Headers.TryAddWithoutValidation("Authorization", Bearer(replayed.Bytes));
            first.Headers.TryAddWithoutValidation("Ucans", Chain(root));
            (await server.Anonymous.SendAsync(first)).EnsureSuccessStatusCode();
        }
        var endless = Invocation.Create(device, owner.Did, Commands.DbRead, Resource.Of(HostileGenerator.Target), [root.Cid]);
        var elsewhere = Delegation.Create(device, other.Did, owner.Did, "/", null, now.AddHours(6));
        var back = Delegation.Create(device, other.Did, owner.Did, "/doc", null, now.AddDays(1));
        var forth = Delegation.Create(other, device.Did, owner.Did, "/doc", null, now.AddDays(1));
        var powerline = Delegation.Create(other, device.Did, null, "/", null, now.AddDays(1));
        var usurper = Delegation.Create(other, device.Did, owner.Did, "/", null, now.AddDays(1));
        var huge = Envelope.Write(owner, "dlg", IpldNode.Map(("iss", IpldNode.String(owner.Did)), ("aud", IpldNode.String(device.Did)),
            ("sub", IpldNode.String(owner.Did)), ("cmd", IpldNode.String("/")), ("nonce", IpldNode.Bytes(new byte[12])), ("exp", IpldNode.Null),
            ("pol", IpldNode.List(IpldNode.List(IpldNode.String("!="), IpldNode.String(".db"), IpldNode.String(new string('x', Envelope.MaxBytes)))))));

        // A policy as large as a token holds, of a pattern no database name matches: read at once, allows nothing.
        var likeRoot = Delegation.Create(owner, device.Did, owner.Did, "/",
            Value.Array([Value.Array([Value.String("like"), Value.String(".db"), Value.String(string.Concat(Enumerable.Repeat("*a", 30_000)) + "*q")])]), now.AddDays(1));

        return
        [
            new("huge-like-policy", Bearer(session.Bytes), Chain(likeRoot), 0, ByCommand: false),
            new("read-only-session", Bearer(readOnly.Bytes), Chain(root), 0),
            new("not-base64", "Bearer g*!not~base64", null, 401),
            new("not-cbor", Bearer(new byte[] { 0x82, 0x58, 0x40, 0x00, 0xFF, 0x13 }), null, 401),
            new("not-an-envelope", Bearer(DagCbor.Encode(IpldNode.Map(("h", IpldNode.Bytes(Varsig.Ed25519)), ("x", IpldNode.Integer(1))))), null, 401),
            new("forged-signature", Bearer(forged), Chain(root), 401),
            new("expired-proof", Bearer(session.Bytes), Chain(expired), 401),
            new("not-yet-valid", Bearer(early.Bytes), Chain(root), 401),
            new("unheld-proof-cid", Bearer(session.Bytes), unheld.Cid.ToString(), 401),
            new("proof-not-sent", Bearer(Invocation.Create(device, owner.Did, Commands.DbRead, Resource.Of(HostileGenerator.Target), [unheld.Cid], expires: now.AddMinutes(9)).Bytes), null, 401),
            new("revoked-proof", Bearer(session.Bytes), Chain(revoked), 401),
            new("replayed-invocation", Bearer(replayed.Bytes), Chain(root), 401),
            new("endless-invocation", Bearer(endless.Bytes), Chain(root), 401),
            new("thousand-links", Bearer(session.Bytes), string.Join(",", Enumerable.Repeat(root.Cid.ToString(), 1000)), 401),
            new("huge-policy", Bearer(session.Bytes), Text(huge), 401),
            new("huge-bearer", Bearer(huge), null, 401),
            new("invocation-as-proof", Bearer(session.Bytes), Text(replayed.Bytes), 401),
            new("session-for-another-server", Bearer(elsewhere.Bytes), Chain(root), 403),
            new("proof-cycle", Bearer(session.Bytes), Chain(root, back, forth, back, forth), 403),
            new("powerline-root", Bearer(session.Bytes), Chain(powerline), 403),
            new("root-not-by-its-subject", Bearer(session.Bytes), Chain(usurper), 403),
            new("broken-audience", Bearer(session.Bytes), Chain(root, forth), 403),
        ];
    }
}
