using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Encoding;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway;

/// <summary>What every write answers: the commit it made and the position it was applied at.</summary>
public sealed record WriteResult(Cid Commit, long Position);

/// <summary>A document as read: its visible fields plus where they come from (API.md's <c>_meta</c>).</summary>
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

    /// <summary>Writes the fields plus <c>_id</c>, <c>_collection</c> and <c>_meta</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("_id", Id);
        writer.WriteString("_collection", Collection);
        writer.WriteStartObject("_meta");
        if (Commit is { } commit) writer.WriteString("commit", commit.ToString()); else writer.WriteNull("commit");
        writer.WriteNumber("position", Position);
        writer.WriteString("updatedAt", ValueJson.FormatTime(UpdatedAt));
        writer.WriteString("origin", Origin);
        writer.WriteEndObject();
        foreach (var (key, value) in Fields.AsMap())
        {
            writer.WritePropertyName(key);
            ValueJson.Write(writer, value);
        }
        writer.WriteEndObject();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) WriteJson(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public JsonObject ToJsonObject() => JsonNode.Parse(ToJson())!.AsObject();

    /// <summary>The fields deserialized into <typeparamref name="T"/> with System.Text.Json.</summary>
    public T? As<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(ValueJson.ToJsonString(Fields), options);

    public override string ToString() => ToJson();
}

/// <summary>One version in a document's history.</summary>
public sealed record DocumentVersion(long Position, Cid Commit, string Origin, DateTimeOffset Time, bool Deleted, IReadOnlyList<FieldChange> Changes)
{
    /// <summary><c>{ position, commit, origin, time, deleted, changes: [{ op, path?, value? }] }</c></summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("position", Position);
        w.WriteString("commit", Commit.ToString());
        w.WriteString("origin", Origin);
        w.WriteString("time", ValueJson.FormatTime(Time));
        w.WriteBoolean("deleted", Deleted);
        w.WriteStartArray("changes");
        foreach (var change in Changes)
        {
            w.WriteStartObject();
            w.WriteString("op", change.Op);
            if (change.Path is not null) w.WriteString("path", change.Path);
            if (change.Value is not null)
            {
                w.WritePropertyName("value");
                ValueJson.Write(w, change.Value);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

/// <summary>One thing a commit did to a document: <c>create</c>, <c>update</c>, <c>delete</c>, or a field
/// operation (<c>set</c>, <c>unset</c>, <c>increment</c>, <c>add</c>, <c>remove</c>, <c>enable</c>, <c>disable</c>) with its path and value.</summary>
public sealed record FieldChange(string Op, string? Path = null, Value? Value = null);

/// <summary>One entry of the changes feed: a commit and the documents it touched.</summary>
public sealed record Change(long Position, Cid Commit, string Origin, DateTimeOffset Time, IReadOnlyList<ChangedDocument> Documents)
{
    /// <summary><c>{ position, commit, origin, time, docs: [{ collection, id, deleted }] }</c></summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("position", Position);
        w.WriteString("commit", Commit.ToString());
        w.WriteString("origin", Origin);
        w.WriteString("time", ValueJson.FormatTime(Time));
        w.WriteStartArray("docs");
        foreach (var doc in Documents)
        {
            w.WriteStartObject();
            w.WriteString("collection", doc.Collection);
            w.WriteString("id", doc.Id);
            w.WriteBoolean("deleted", doc.Deleted);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

/// <summary>The outcome of walking a database's ledger.</summary>
public sealed record VerifyReport(bool Ok, long Commits, IReadOnlyList<VerifyProblem> Problems)
{
    /// <summary><c>{ ok, commits, problems: [{ position, commit, check, detail }] }</c></summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", Ok);
        w.WriteNumber("commits", Commits);
        w.WriteStartArray("problems");
        foreach (var p in Problems)
        {
            w.WriteStartObject();
            if (p.Position is { } position) w.WriteNumber("position", position); else w.WriteNull("position");
            if (p.Commit is { } commit) w.WriteString("commit", commit.ToString()); else w.WriteNull("commit");
            w.WriteString("check", p.Check);
            w.WriteString("detail", p.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

/// <summary>A failed check: which commit (and position), which check, and what was found.</summary>
public sealed record VerifyProblem(long? Position, Cid? Commit, string Check, string Detail)
{
    public override string ToString() => $"{Check} at position {Position?.ToString() ?? "-"} ({(Commit is { } c ? c.ToString() : "no commit")}): {Detail}";
}

/// <summary>A database's summary (API.md, GET /v1/dbs/{db}).</summary>
public sealed record DatabaseInfo(string Name, long Documents, long Commits, long Position, IReadOnlyList<Cid> Heads, IReadOnlyDictionary<string, long> Clock, IReadOnlyList<string>? Holds = null)
{
    /// <summary><c>{ name, documents, commits, position, heads: [CID], clock: { DID: seq } }</c>, and on a
    /// partial replica <c>holds: ["collection" | "collection/idPrefix", …]</c>.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteNumber("documents", Documents);
        w.WriteNumber("commits", Commits);
        w.WriteNumber("position", Position);
        w.WriteStartArray("heads");
        foreach (var head in Heads) w.WriteStringValue(head.ToString());
        w.WriteEndArray();
        w.WriteStartObject("clock");
        foreach (var (origin, seq) in Clock) w.WriteNumber(origin, seq);
        w.WriteEndObject();
        if (Holds is not null)
        {
            w.WriteStartArray("holds");
            foreach (var h in Holds) w.WriteStringValue(h);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}

/// <summary>What applying remote commits did: how many were applied, how many were already here, and the position reached.</summary>
public sealed record ImportResult(int Applied, int Skipped, long Position);
