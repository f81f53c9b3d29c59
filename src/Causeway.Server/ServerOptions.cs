namespace Causeway.Server;

/// <summary>How <c>causeway serve</c> runs (docs/api.md, Running).</summary>
public sealed class ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:7480";

    /// <summary>The replica's folder: store, identity and admin token.</summary>
    public string DataDirectory { get; init; } = "causeway-data";

    public string Urls { get; init; } = DefaultUrl;

    /// <summary>Unauthenticated access from loopback only, for development. Said loudly at start.</summary>
    public bool Dev { get; init; }

    /// <summary>Largest request body accepted; larger ones get 413 too_large.</summary>
    public long MaxRequestBytes { get; init; } = 20L << 20;

    /// <summary>Largest ledger archive accepted by POST /v1/dbs/{db}/import.</summary>
    public long MaxImportBytes { get; init; } = 1L << 30;

    /// <summary>Writes in flight beyond this get 429 with Retry-After instead of queueing without limit.</summary>
    public int MaxInFlightWrites { get; init; } = 1024;

    /// <summary>A key file (the 32-byte seed, as <c>causeway key new</c> writes it) of the owner of this
    /// server's databases, the subject of every capability; null for the replica's own key
    /// (<c>identity.key</c>).</summary>
    public string? OwnerKeyFile { get; init; }

    /// <summary>The server's clock, for the time bounds of capability tokens (and the replica's, when
    /// the server opens it). Tests move it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many used invocations the server remembers (each until it expires, at most ten
    /// minutes): past that, new invocations get 429 until old ones expire.</summary>
    public int MaxRememberedInvocations { get; init; } = 1_000_000;

    /// <summary>Origins (<c>https://app.example</c>) whose pages may call the API from a browser (CORS).
    /// Empty, the default: no CORS headers at all, so browsers keep other origins out.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
}
