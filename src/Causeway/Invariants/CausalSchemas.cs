using Causeway.Crdt;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Storage;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Invariants;

/// <summary>The schema a commit was made under: of the schema commits in its causal past, the one
/// whose definition wins as last writer (the highest stamp), which is what <c>_schema/current</c>
/// read at its origin when it was made. Judging a synced commit by it, not by the receiver's newest
/// schema, makes every replica judge it alike whatever it has received meanwhile, so a commit that
/// was valid where it was made is accepted everywhere and a replica still on an older version keeps
/// converging with one that migrated (a retype in place included).</summary>
/// <remarks>Per database (<see cref="DatabaseRuntime.Extension{T}"/>), used from the pipeline's
/// stages. Ancestry is found by walking parents back from the commit, cut short by what is known:
/// the walk stops at commits stored before the schema commit (positions respect causality), at
/// earlier commits of the schema's own origin, at an origin's commit at or after one already known
/// to descend (an origin's commits form a chain), and at commits already walked.</remarks>
internal sealed class CausalSchemas
{
    // Walked commits beyond this many are forgotten, and walked again if asked.
    private const int MaxRemembered = 1 << 17;

    private readonly Lock _lock = new();
    private List<SchemaCommit>? _schemas;
    // Commits met in checks that may not be stored yet (earlier in the same import): who made them
    // and their parents, for walks from their children. Past this many, the stored ones are dropped.
    private const int MaxRecent = 4096;
    private readonly Dictionary<Cid, Header> _recent = [];

    private sealed record Header(string Origin, long Seq, IReadOnlyList<Cid> Parents);

    private sealed class SchemaCommit(Commit commit, LwwStamp stamp, Schema schema)
    {
        public Commit Commit { get; } = commit;
        public LwwStamp Stamp { get; } = stamp;
        public Schema Schema { get; } = schema;
        public long? Position { get; set; }
        // Commit → whether it has this schema commit in its past.
        public Dictionary<Cid, bool> Descends { get; } = [];
        // Origin → its lowest sequence number known to descend.
        public Dictionary<string, long> DescendsFrom { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Whether a schema commit was ever seen.</summary>
    public bool Known
    {
        get { lock (_lock) return _schemas is { Count: > 0 }; }
    }

    /// <summary>Notes a commit about to be checked or just staged: its header, for walks from its
    /// children, and the schema it writes, if it writes one.</summary>
    public void Observe(IKeyValueReader store, DatabaseRuntime database, Commit commit, IReadOnlyList<DocumentOp?> ops)
    {
        lock (_lock)
        {
            var schemas = Load(store, database);
            if (!schemas.Any(s => s.Commit.Id == commit.Id))
                for (int i = 0; i < ops.Count; i++)
                    if (ops[i] is { } op && Written(commit, op) is var (stamp, schema))
                        Insert(schemas, new SchemaCommit(commit, stamp, schema));
            // Before the first schema commit nothing needs walking back to.
            if (schemas.Count == 0) return;
            _recent[commit.Id] = new Header(commit.Origin, commit.Seq, commit.Parents);
            if (_recent.Count > MaxRecent)
                foreach (var id in _recent.Keys.Where(id => Stored(store, database, id) is not null).ToList()) _recent.Remove(id);
        }
    }

    /// <summary>The schema <paramref name="commit"/> was made under (<see cref="Schema.Empty"/> before any).</summary>
    public Schema For(IKeyValueReader store, DatabaseRuntime database, Commit commit)
    {
        lock (_lock)
        {
            foreach (var schema in Load(store, database))
                if (HasInPast(store, database, commit, schema)) return schema.Schema;
            return Schema.Empty;
        }
    }

    /// <summary>The schema commits already stored, newest stamp first, read once.</summary>
    private List<SchemaCommit> Load(IKeyValueReader store, DatabaseRuntime database)
    {
        if (_schemas is not null) return _schemas;
        var schemas = new List<SchemaCommit>();
        foreach (var (_, value) in store.ScanAll(StoreLayout.VersionPrefix(database.Id, SystemCollections.Schema, SystemCollections.SchemaDocument)))
        {
            var version = VersionRecord.Decode(value);
            if (schemas.Any(s => s.Commit.Id == version.Commit) || Stored(store, database, version.Commit) is not { } record) continue;
            var commit = Commit.Decode(record.Block);
            if (version.OpIndex >= record.OpBlocks.Count || record.OpBlocks[version.OpIndex] is not { } block) continue;
            var op = DocumentOp.Decode(block, new Documents.EffectContext(commit.Origin, commit.Seq, commit.Time));
            if (Written(commit, op) is var (stamp, schema))
                Insert(schemas, new SchemaCommit(commit, stamp, schema) { Position = record.Position });
        }
        return _schemas = schemas;
    }

    private static void Insert(List<SchemaCommit> schemas, SchemaCommit schema)
    {
        int at = schemas.FindIndex(s => s.Stamp < schema.Stamp);
        schemas.Insert(at < 0 ? schemas.Count : at, schema);
    }

    /// <summary>The definition an operation on <c>_schema/current</c> assigns, with its stamp.</summary>
    private static (LwwStamp Stamp, Schema Schema)? Written(Commit commit, DocumentOp op)
    {
        if (op.Collection != SystemCollections.Schema || op.Id != SystemCollections.SchemaDocument) return null;
        (LwwStamp Stamp, Value Value)? last = null;
        foreach (var effect in op.Effects)
            if (effect is MapOp { Path: [SchemaVersion.DefinitionField], Inner: LwwAssign<Value> { Stamp: var stamp, Value: { Kind: ValueKind.String } value } }
                && (last is null || stamp > last.Value.Stamp))
                last = (stamp, value);
        if (last is not { } written) return null;
        try { return (written.Stamp, SchemaJson.Parse(written.Value.AsString())); }
        catch (InvalidInputException e) { throw new InvalidCommitException($"Commit {commit.Id} stores a schema this replica cannot read: {e.Message}"); }
    }

    private bool HasInPast(IKeyValueReader store, DatabaseRuntime database, Commit commit, SchemaCommit schema)
    {
        if (commit.Id == schema.Commit.Id) return false;   // a schema commit is judged by the schema before it
        if (schema.Descends.TryGetValue(commit.Id, out bool known)) return known;
        if (Follows(schema, commit.Origin, commit.Seq)) return Found(schema, commit);
        schema.Position ??= Stored(store, database, schema.Commit.Id)?.Position;
        var walked = new HashSet<Cid> { commit.Id };
        var pending = new Stack<Header>([new Header(commit.Origin, commit.Seq, commit.Parents)]);
        while (pending.TryPop(out var next))
        {
            foreach (var parent in next.Parents)
            {
                if (parent == schema.Commit.Id) return Found(schema, commit);
                if (schema.Descends.TryGetValue(parent, out bool descends))
                {
                    if (descends) return Found(schema, commit);
                    continue;
                }
                if (!walked.Add(parent)) continue;
                var (header, position) = HeaderOf(store, database, parent);
                if (header is null) continue;   // not here: the pipeline refuses a commit whose parents are missing
                if (Follows(schema, header.Origin, header.Seq)) return Found(schema, commit);
                // Stored before the schema commit, or stored while it is not: it cannot descend from it.
                if (position is { } at && (schema.Position is not { } from || at < from)) continue;
                if (header.Origin == schema.Commit.Origin) continue;   // before the schema commit, by Follows
                pending.Push(header);
            }
        }
        if (schema.Descends.Count + walked.Count > MaxRemembered) schema.Descends.Clear();
        foreach (var id in walked) schema.Descends[id] = false;
        return false;
    }

    /// <summary>Whether the origin's commit <paramref name="seq"/> comes at or after the schema commit
    /// in the origin's chain: the schema's own origin after it, or an origin's commit at or after
    /// one known to descend.</summary>
    private static bool Follows(SchemaCommit schema, string origin, long seq)
        => origin == schema.Commit.Origin ? seq > schema.Commit.Seq
            : schema.DescendsFrom.TryGetValue(origin, out long from) && seq >= from;

    private static bool Found(SchemaCommit schema, Commit commit)
    {
        schema.Descends[commit.Id] = true;
        return true;
    }

    /// <summary>Notes a commit the database took: the origin's later commits descend from every schema
    /// commit it descends from. Only a commit taken counts: one refused may be replaced by another of
    /// the same sequence number whose past differs.</summary>
    public void Taken(Commit commit)
    {
        lock (_lock)
        {
            if (_schemas is null) return;
            foreach (var schema in _schemas)
                if (schema.Descends.GetValueOrDefault(commit.Id) && (!schema.DescendsFrom.TryGetValue(commit.Origin, out long from) || commit.Seq < from))
                    schema.DescendsFrom[commit.Origin] = commit.Seq;
        }
    }

    private (Header? Header, long? Position) HeaderOf(IKeyValueReader store, DatabaseRuntime database, Cid id)
    {
        if (Stored(store, database, id) is { } record)
        {
            var commit = Commit.Decode(record.Block);
            return (new Header(commit.Origin, commit.Seq, commit.Parents), record.Position);
        }
        return (_recent.GetValueOrDefault(id), null);
    }

    private static CommitRecord? Stored(IKeyValueReader store, DatabaseRuntime database, Cid id)
        => store.Get(StoreLayout.CommitKey(database.Id, id.Bytes)) is { } bytes ? CommitRecord.Decode(bytes) : null;
}
