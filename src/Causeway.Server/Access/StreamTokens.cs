using System.Collections.Concurrent;
using System.Security.Cryptography;
using Causeway.Authority;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Server.Access;

/// <summary>Short-lived tokens for a browser's <c>EventSource</c>, which cannot send an Authorization
/// header (docs/api.md, Following changes from a browser). A token travels in the URL
/// (<c>?access_token=</c>), where logs and history may keep it, so it is as small as it can be: it
/// reads the changes feed of one database and nothing else, and expires in <see cref="Lifetime"/>.
/// Kept in memory only: a restart forgets them, and the page asks for another.</summary>
public sealed class StreamTokens(TimeProvider time)
{
    public const string Prefix = "cws_";
    public const string QueryName = "access_token";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Past this many live tokens a new one is refused (429) until old ones expire.</summary>
    public const int MaxLive = 100_000;

    private readonly ConcurrentDictionary<string, (string Database, DateTimeOffset Expires)> _live = new(StringComparer.Ordinal);

    public StreamToken Issue(string database)
    {
        var now = time.GetUtcNow();
        if (_live.Count >= MaxLive)
        {
            foreach (var (token, entry) in _live)
                if (entry.Expires <= now) _live.TryRemove(token, out _);
            if (_live.Count >= MaxLive) throw new RateLimitedException($"More than {MaxLive} stream tokens are live; try again when some expire.", Lifetime);
        }
        string value = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = now + Lifetime;
        _live[value] = (database, expires);
        return new StreamToken(value, database, expires.ToUnixTimeSeconds());
    }

    /// <summary>Whether the request is one a stream token may be used on: <c>GET /v1/dbs/{db}/changes</c>.</summary>
    public static bool TryStreamRoute(HttpContext context, out string database)
    {
        database = "";
        if (!HttpMethods.IsGet(context.Request.Method)) return false;
        var segments = (context.Request.Path.Value ?? "").Split('/');
        // "", "v1", "dbs", DB, "changes"
        if (segments is not ["", "v1", "dbs", { Length: > 0 } db, "changes"]) return false;
        database = db;
        return true;
    }

    /// <summary>The principal of the request's <c>access_token</c>: reading one database's changes, or 401.</summary>
    public Principal Authenticate(HttpContext context, string token)
    {
        if (!TryStreamRoute(context, out string database))
            throw new UnauthorizedException($"'{QueryName}' is only taken by GET /v1/dbs/{{db}}/changes; send other requests with Authorization: Bearer TOKEN.");
        if (!_live.TryGetValue(token, out var entry))
            throw new UnauthorizedException("The stream token is unknown or expired: ask POST /v1/dbs/{db}/stream-tokens for another.");
        if (entry.Expires <= time.GetUtcNow())
        {
            _live.TryRemove(token, out _);
            throw CausewayException.FromCode(ErrorCodes.TokenExpired, "The stream token expired: ask POST /v1/dbs/{db}/stream-tokens for another.");
        }
        return new StreamPrincipal(entry.Database);
    }

    /// <summary>May <c>/doc/read</c> one database (the changes feed names no collection), nothing else.</summary>
    private sealed class StreamPrincipal(string database) : Principal
    {
        public override string Name => "stream token";

        public override CausewayException? Refusal(string command, Value resource)
            => command == Commands.DocRead && resource.Get("db") is { Kind: ValueKind.String } db && db.AsString() == database && resource.Get("coll") is null
                ? null
                : new ForbiddenException($"A stream token reads the changes of '{database}' only, not {command} on {Describe(resource)}.");

        public override CausewayException? CommandRefusal(string command)
            => command == Commands.DocRead ? null : new ForbiddenException($"A stream token reads the changes of '{database}' only, not {command}.");
    }
}
