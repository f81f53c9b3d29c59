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
}
