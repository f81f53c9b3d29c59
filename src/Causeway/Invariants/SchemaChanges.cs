using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Setting and reading a database's schema: the analysis, the back-fill of unique values
/// already stored, the scan for stored documents that break it, and handing out value ranges.</summary>
internal sealed class SchemaChanges(StoredDatabase db)
{
    /// <summary>How many violations a schema answer lists at most.</summary>
    public const int MaxViolations = 1000;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile ViolationsAt? _lastViolations;

    private sealed record ViolationsAt(long Position, Cid? Schema, Subscription Holds, IReadOnlyList<SchemaViolation> Found);

    /// <summary>Analyzes <paramref name="schema"/> and, if every constraint in it can be guaranteed,
    /// stores it as the next version (a commit of <c>_schema/current</c>, replicated like data).</summary>
    public async Task<SchemaInfo> SetAsync(Schema schema, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(schema);
        db.CheckOpen();
        var analysis = SchemaAnalyzer.Analyze(schema);
        await _writer.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var current = db.Runtime.Schemas.Latest;
            var stored = schema with { Home = schema.Home ?? current.Schema.Home ?? db.ReplicaDid, Migration = schema.Migration ?? current.Schema.Migration };
            var writes = new List<DocumentWrites>
            {
                new(SystemCollections.Schema, SystemCollections.SchemaDocument, [new DocumentIntent.Put(SchemaVersion.ToDocument(stored, current.Version + 1))]),
            };
            writes.AddRange(ClaimStoredValues(stored, db.Position, cancellation));
            var result = await db.CommitAsync(writes, cancellation).ConfigureAwait(false);
            var version = new SchemaVersion(stored, current.Version + 1, result.Commit, result.Position);
            return new SchemaInfo(version, analysis, Violations(stored, result.Position, cancellation));
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The schema in force (empty, version 0, when none was ever set), its analysis and the
    /// stored documents that break it.</summary>
    public SchemaInfo Get(CancellationToken cancellation)
    {
        db.CheckOpen();
        long position = db.Position;
        var version = db.SchemaAt(position);
        // The scan is the costly part, and its answer depends only on the position, the schema and what
        // this replica holds: a reader polling a database that has not moved gets the last answer.
        var holds = db.Holds;
        if (_lastViolations is not { } last || last.Position != position || last.Schema != version.Commit || !ReferenceEquals(last.Holds, holds))
            _lastViolations = last = new ViolationsAt(position, version.Commit, holds, Violations(version.Schema, position, cancellation));
        return new SchemaInfo(version, SchemaAnalyzer.Analyze(version.Schema), last.Found);
    }

    /// <summary>Values of unique tuples that stored documents already have get their reservation in the
    /// schema's own commit, used by the first document (in id order) that has each, so a later write
    /// cannot take them. Later documents with the same value are reported as violations, not changed.
    /// The holder stays whoever holds the value by default (the home, or the owner of its range).</summary>
    private IEnumerable<DocumentWrites> ClaimStoredValues(Schema schema, long position, CancellationToken cancellation)
    {
        string home = schema.Home ?? db.ReplicaDid;
        DocumentState? Lookup(string collection, string id) => db.VersionAt(collection, id, position)?.State;
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rules in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (rules.Unique.Count == 0 || !db.Holds.HoldsWhole(rules.Name)) continue;
            foreach (var (id, version) in db.VersionsAt(rules.Name, position))
            {
                cancellation.ThrowIfCancellationRequested();
                if (!version.State.Exists) continue;
                foreach (var (_, _, reservation) in UniqueRules.ReservationsOf(rules, version.State))
                {
                    if (!claimed.Add(reservation) || Lookup(SystemCollections.Reservations, reservation) is { Exists: true }) continue;
                    string holder = UniqueRules.DefaultHolder(Lookup, reservation, home);
                    yield return new DocumentWrites(SystemCollections.Reservations, reservation,
                        [new DocumentIntent.Put(UniqueRules.ReservationFields(holder, id))]);
                }
            }
        }
    }

    /// <summary>Stored documents that break <paramref name="schema"/>, at most <see cref="MaxViolations"/>.</summary>
    private IReadOnlyList<SchemaViolation> Violations(Schema schema, long position, CancellationToken cancellation)
    {
        var found = new List<SchemaViolation>();
        var holds = db.Holds;
        foreach (var rules in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (!holds.HoldsWhole(rules.Name)) continue;
            // The first document with each unique value keeps it; later ones are reported.
            var firstWith = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (id, version) in db.VersionsAt(rules.Name, position))
            {
                cancellation.ThrowIfCancellationRequested();
                if (!version.State.Exists) continue;
                foreach (var (tuple, values, key) in UniqueRules.ReservationsOf(rules, version.State))
                {
                    if (firstWith.TryGetValue(key, out var first))
                        found.Add(new SchemaViolation(rules.Name, id, $"unique ({string.Join(", ", tuple)})", $"{UniqueRules.Describe(tuple, values)} is also used by {rules.Name}/{first}"));
                    else firstWith[key] = id;
                }
                foreach (var (constraint, problem, _, _) in DocumentRules.Problems(rules, version.State))
                    found.Add(new SchemaViolation(rules.Name, id, constraint, problem));
                foreach (var field in rules.Fields.Values)
                {
                    if (field.References is not { } parent || Visibility.ReferenceOf(version.State, field) is not { } parentId) continue;
                    if (!holds.Matches(parent, parentId)) continue;
                    var target = db.VersionAt(parent, parentId, position);
                    if (target is null || !db.Visible(parent, target, position))
                        found.Add(new SchemaViolation(rules.Name, id, $"{field.Path} → {parent}", $"'{field.Path}' names {parent}/{parentId}, which does not exist"));
                }
                if (found.Count >= MaxViolations) return found;
            }
        }
        return found;
    }

    /// <summary>On the home replica: hands <paramref name="replica"/>, in advance, the values of a unique
    /// tuple of <paramref name="collection"/> whose hash starts with one of <paramref name="shards"/>.</summary>
    public Task<WriteResult> HandOutValueRangeAsync(string collection, IReadOnlyList<string> fields, string shards, string replica, CancellationToken cancellation)
    {
        db.CheckOpen();
        var schema = db.SchemaAt(db.Position).Schema;
        var rules = schema.For(Names.Collection(collection)) ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"The schema declares no collection '{collection}'.");
        int tuple = rules.Unique.ToList().FindIndex(t => t.SequenceEqual(fields));
        if (tuple < 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{collection}' has no unique ({Names.Clip(string.Join(", ", fields))}).");
        if (!Security.DidKey.IsValid(replica)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Names.Clip(replica)}' is not a replica's did:key.");
        return db.CommitAsync([new DocumentWrites(SystemCollections.Reservations, UniqueRules.RangesId(collection, rules.Unique[tuple]),
            [new DocumentIntent.HandOutRange(replica, ShardRanges.Parse(shards))])], cancellation);
    }
}
