namespace Causeway.Server;

/// <summary>How <c>causeway serve</c>, a server hosted with <c>AddCauseway</c> or an embedded replica
/// (<c>AddCausewayReplica</c>) runs (docs/api.md, Running; docs/operations.md lists the configuration
/// keys). Bound from the configuration section <see cref="Section"/>.</summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section the options are read from ("Causeway": appsettings.json's
    /// <c>"Causeway": { ... }</c>, environment variables <c>Causeway__DataDirectory</c>).</summary>
    public const string Section = "Causeway";

    public const string DefaultUrl = "http://127.0.0.1:7480";

    /// <summary>The replica's folder: store, identity and admin token.</summary>
    public string DataDirectory { get; set; } = "causeway-data";

    public string Urls { get; set; } = DefaultUrl;

    /// <summary>Unauthenticated access from loopback only, for development. Said loudly at start.</summary>
    public bool Dev { get; set; }

    /// <summary>Largest request body accepted; larger ones get 413 too_large.</summary>
    public long MaxRequestBytes { get; set; } = 20L << 20;

    /// <summary>Largest ledger archive accepted by POST /v1/dbs/{db}/import.</summary>
    public long MaxImportBytes { get; set; } = 1L << 30;

    /// <summary>Writes in flight beyond this get 429 with Retry-After instead of queueing without limit.</summary>
    public int MaxInFlightWrites { get; set; } = 1024;

    /// <summary>A key file (the 32-byte seed, as <c>causeway key new</c> writes it) of the owner of this
    /// server's databases, the subject of every capability; null for the replica's own key
    /// (<c>identity.key</c>).</summary>
    public string? OwnerKeyFile { get; set; }

    /// <summary>The server's clock, for the time bounds of capability tokens (and the replica's, when
    /// the server opens it). Tests move it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>How many used invocations the server remembers (each until it expires, at most ten
    /// minutes): past that, new invocations get 429 until old ones expire.</summary>
    public int MaxRememberedInvocations { get; set; } = 1_000_000;

    /// <summary>Origins (<c>https://app.example</c>) whose pages may call the API from a browser (CORS).
    /// Empty, the default: no CORS headers at all, so browsers keep other origins out.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Continuous sync links this replica opens when it starts (besides those the HTTP API
    /// stored): each keeps re-dialling its peer until stopped.</summary>
    public List<SyncPeerOptions> Peers { get; set; } = [];

    /// <summary>Below this many free bytes in the data folder's file system, the disk check reports
    /// Degraded (512 MiB by default).</summary>
    public long MinFreeDiskBytes { get; set; } = 512L << 20;

    /// <summary>Where the health report is served; null or empty serves none.</summary>
    public string? HealthPath { get; set; } = "/health";

    /// <summary>Serves the metrics in Prometheus' text format at <see cref="MetricsPath"/> (off by default).</summary>
    public bool Prometheus { get; set; }

    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>The server's TLS certificate: a PKCS#12 file (.pfx, with <see cref="CertificatePassword"/>)
    /// or a PEM certificate (with its key in <see cref="CertificateKeyFile"/>). Only a server that owns
    /// its host (<c>causeway serve</c>, <c>CausewayServer.Build</c>) uses it; an application hosting
    /// Causeway configures Kestrel itself.</summary>
    public string? CertificateFile { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>, when that is a PEM certificate.</summary>
    public string? CertificateKeyFile { get; set; }
}

/// <summary>A continuous sync link to a peer server: the database on both sides, the peer's URL and
/// the token it accepts.</summary>
public sealed class SyncPeerOptions
{
    public string Database { get; set; } = "";

    /// <summary>The peer server's base URL (http(s)://host:port).</summary>
    public string Url { get; set; } = "";

    public string? Token { get; set; }

    /// <summary>push, pull or both (the default).</summary>
    public string Direction { get; set; } = "both";
}
