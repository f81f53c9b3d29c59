using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Encoding;
using Causeway.Transactions;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway;

/// <summary>What every write answers: the commit it made and the position it was applied at.</summary>
public sealed record WriteResult(Cid Commit, long Position);

/// <summary>A document as read: its visible fields plus where they come from (docs/api.md's <c>_meta</c>).</summary>
public sealed class Document
{
    internal Document(string collection, string id, Value fields, Cid? commit, long position, DateTimeOffset updatedAt, string origin)
    {
        Collection = collection;
        Id = id;
        Fields = fields;
        Commit = commit;
        Position = position;
        UpdatedAt = updatedAt;
        Origin = origin;
    }

    /// <summary>A document as another <see cref="IDocumentDatabase"/> read it (the HTTP client, a
    /// cache, a test double). <paramref name="fields"/> is a map of the user's fields only.</summary>
    public static Document Create(string collection, string id, Value fields, Cid? commit, long position, DateTimeOffset updatedAt, string origin)
    {
        Documents.Names.Collection(collection);
        Documents.Names.DocumentId(id);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(origin);
        if (fields.Kind != ValueKind.Map) throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidJson, "A document's fields are a map.");
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return new Document(collection, id, fields, commit, position, updatedAt, origin);
    }

    public string Collection { get; }
    public string Id { get; }

    /// <summary>The user's fields as a map (counters as numbers, sets and mvregs as arrays, flags as booleans).</summary>
    public Value Fields { get; }

    /// <summary>The commit that last changed the document, as of the read (null for a document a
    /// transaction has written but not yet committed).</summary>
    public Cid? Commit { get; }
    public long Position { get; }
    public DateTimeOffset UpdatedAt { get; }
    public string Origin { get; }

    public Value? this[string field] => Fields.Get(field);

    /// <summary>Writes the fields plus <c>_id</c>, <c>_collection</c> and <c>_meta</c> (<see cref="DocumentJson"/>).</summary>
    public void WriteJson(Utf8JsonWriter writer) => DocumentJson.Write(writer, this);

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) WriteJson(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public JsonObject ToJsonObject() => JsonNode.Parse(ToJson())!.AsObject();

    /// <summary>The fields deserialized into <typeparamref name="T"/> with System.Text.Json, from their
    /// plain JSON (a decimal, a timestamp and bytes as strings, as a POCO's properties read them).</summary>
    public T? As<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(ValueJson.ToJsonString(Fields, typed: false), options);

    public override string ToString() => ToJson();
}

/// <summary>One version in a document's history.</summary>
public sealed record DocumentVersion(long Position, Cid Commit, string Origin, DateTimeOffset Time, bool Deleted, IReadOnlyList<FieldChange> Changes);

/// <summary>One thing a commit did to a document: <c>create</c>, <c>update</c>, <c>delete</c>, or a field
/// operation (<c>set</c>, <c>unset</c>, <c>increment</c>, <c>add</c>, <c>remove</c>, <c>enable</c>, <c>disable</c>) with its path and value.</summary>
public sealed record FieldChange(string Op, string? Path = null, Value? Value = null);

/// <summary>One entry of the changes feed: a commit and the documents it touched.</summary>
public sealed record Change(long Position, Cid Commit, string Origin, DateTimeOffset Time, IReadOnlyList<ChangedDocument> Documents);

/// <summary>The outcome of walking a database's ledger.</summary>
public sealed record VerifyReport(bool Ok, long Commits, IReadOnlyList<VerifyProblem> Problems);

/// <summary>A failed check: which commit (and position), which check, and what was found.</summary>
public sealed record VerifyProblem(long? Position, Cid? Commit, string Check, string Detail)
{
    public override string ToString() => $"{Check} at position {Position?.ToString() ?? "-"} ({(Commit is { } c ? c.ToString() : "no commit")}): {Detail}";
}

/// <summary>A database's summary (docs/api.md, GET /v1/dbs/{db}; <see cref="DatabaseInfoJson"/>). <paramref name="Holds"/>
/// is null on a full replica; on a partial one it lists what it holds ("collection" or "collection/idPrefix").</summary>
public sealed record DatabaseInfo(string Name, long Documents, long Commits, long Position, IReadOnlyList<Cid> Heads, IReadOnlyDictionary<string, long> Clock, IReadOnlyList<string>? Holds = null);

/// <summary>What applying remote commits did: how many were applied, how many were already here, and the position reached.</summary>
public sealed record ImportResult(int Applied, int Skipped, long Position);

/// <summary>The replica behind a server (docs/api.md, GET /v1/status): its DID, the DID of the owner
/// of its databases (the subject of every capability, docs/api.md, Authorization), the server's
/// version and the databases the token may see.</summary>
public sealed record ServerStatus(string Replica, string Owner, string Version, IReadOnlyList<string> Databases);

/// <summary>A delegation the server issued or holds (docs/api.md, <c>/v1/tokens</c>; <see cref="DelegationTokenJson"/>):
/// its CID, the token itself (base64url of its DAG-CBOR envelope), the chain it ends, root first
/// (itself last), and its readable fields. <see cref="Policy"/> is the UCAN policy (a list of
/// statements); times are seconds since the Unix epoch.</summary>
public sealed record DelegationToken(Cid Cid, string Token, IReadOnlyList<TokenLink> Chain, string Issuer, string Audience, string? Subject,
    string Command, Value Policy, long? Expiration, long? NotBefore);

/// <summary>One delegation of a chain: its CID and its token (base64url).</summary>
public sealed record TokenLink(Cid Cid, string Token);

/// <summary>What <c>causeway token inspect</c> says of one token of a chain (<see cref="TokenReportJson"/>): its
/// <paramref name="Kind"/> (<c>dlg</c>, <c>inv</c>, <c>cid</c> for a CID without its token, <c>unreadable</c>), its fields
/// (those it has), and whether it is valid now, with the <paramref name="Problem"/> when not.</summary>
public sealed record TokenReport(Cid Cid, string Kind, string? Issuer, string? Audience, string? Subject, string? Command,
    Value? Policy, Value? Arguments, long? NotBefore, long? Expiration, bool Valid, string? Problem);

/// <summary>The answer of <c>GET /health</c>: the overall status (Healthy, Degraded or Unhealthy)
/// and each check's (docs/operations.md, Health).</summary>
public sealed record HealthReportInfo(string Status, IReadOnlyList<HealthCheckInfo> Checks);

/// <summary>One health check: its name (store, sync, disk), status, what it saw and its details
/// (each sync link's state, the free bytes).</summary>
public sealed record HealthCheckInfo(string Name, string Status, string? Description, IReadOnlyList<HealthDetail> Details);

/// <summary>One thing a health check reports: a name and what it is.</summary>
public sealed record HealthDetail(string Name, string Value);

/// <summary>A backup taken (docs/backup.md; <see cref="Wire.BackupReportJson"/>): the folder it is in, the DID of the
/// replica it copies, and the databases it holds.</summary>
public sealed record BackupReport(string Folder, string Replica, IReadOnlyList<string> Databases);

/// <summary>One difference between the schema a database holds and another (<see cref="SchemaDiffReportJson"/>,
/// <see cref="MigrationReportJson"/>): its <paramref name="Kind"/> (<c>field_added</c>, <c>field_retyped</c>,
/// <c>constraint_tightened</c>, …), the collection and fields it touches, what changed, and whether it
/// is <paramref name="Breaking"/> (needs a declared migration).</summary>
public sealed record SchemaChangeReport(string Kind, string Collection, IReadOnlyList<string> Fields, string Detail, bool Breaking);

/// <summary>What <c>causeway schema diff --json</c> prints: the migration the database is at (null before
/// any) and how a schema file differs from the database's schema.</summary>
public sealed record SchemaDiffReport(long? Migration, IReadOnlyList<SchemaChangeReport> Changes);

/// <summary>What <c>causeway migrate --json</c> prints: the migration before and after (null for none),
/// whether a schema was written, its schema version when it was, and the changes it made.</summary>
public sealed record MigrationReport(long? From, long? To, bool Applied, long? SchemaVersion, IReadOnlyList<SchemaChangeReport> Changes);
