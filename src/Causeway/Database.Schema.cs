using Causeway.Documents;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway;

/// <summary>A database's schema: declared kinds and constraints (docs/invariants.md).</summary>
public sealed partial class Database
{
    private readonly SemaphoreSlim _schemaWriter = new(1, 1);

    /// <summary>Analyzes <paramref name="schema"/> and, if every constraint in it can be guaranteed,
    /// stores it as the next version (a commit of <c>_schema/current</c>, replicated like data). A
    /// constraint that cannot be guaranteed is refused (schema_violation) and nothing is written.
    /// Documents already stored that break the new schema are listed in the answer, not changed.</summary>
    public async Task<SchemaInfo> SetSchemaAsync(Schema schema, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        CheckOpen();
        var analysis = SchemaAnalyzer.Analyze(schema);
        await _schemaWriter.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var current = Runtime.Schemas.Latest;
            var stored = schema with { Home = schema.Home ?? current.Schema.Home ?? Replica.Did };
            var writes = new List<DocumentWrites>
            {
                new(SystemCollections.Schema, SystemCollections.SchemaDocument, [new DocumentIntent.Put(SchemaVersion.ToDocument(stored, current.Version + 1))]),
            };
            writes.AddRange(ClaimStoredValues(stored, Runtime.Position, cancellation));
            var result = await _pipeline.CommitAsync(Runtime, writes, cancellation).ConfigureAwait(false);
            var version = new SchemaVersion(stored, current.Version + 1, result.Commit, result.Position);
            return new SchemaInfo(version, analysis, Violations(stored, result.Position, cancellation));
        }
        finally
        {
            _schemaWriter.Release();
        }
    }

    /// <summary>Values of unique tuples that stored documents already have get their reservation in the
    /// schema's own commit, used by the first document (in id order) that has each, so a later write
    /// cannot take them. Later documents with the same value are reported as violations, not changed.
    /// The holder stays whoever holds the value by default (the home, or the owner of its range).</summary>
    private IEnumerable<DocumentWrites> ClaimStoredValues(Schema schema, long position, CancellationToken cancellation)
    {
        string home = schema.Home ?? Replica.Did;
        DocumentState? Lookup(string collection, string id) => _reader.At(Runtime, collection, id, position)?.State;
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rules in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (rules.Unique.Count == 0 || !Holds.HoldsWhole(rules.Name)) continue;
            foreach (var (id, version) in _reader.CollectionAt(Runtime, rules.Name, position))
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

    /// <summary>The schema in force (empty, version 0, when none was ever set), its analysis and the
    /// stored documents that break it.</summary>
    public Task<SchemaInfo> GetSchemaAsync(CancellationToken cancellation = default)
    {
        CheckOpen();
        long position = Runtime.Position;
        var version = SchemaAt(position);
        // The scan is the costly part, and its answer depends only on the position, the schema and what
        // this replica holds: a reader polling a database that has not moved gets the last answer.
        var holds = Holds;
        if (_lastViolations is not { } last || last.Position != position || last.Schema != version.Commit || !ReferenceEquals(last.Holds, holds))
            _lastViolations = last = new ViolationsAt(position, version.Commit, holds, Violations(version.Schema, position, cancellation));
        return Task.FromResult(new SchemaInfo(version, SchemaAnalyzer.Analyze(version.Schema), last.Found));
    }

    private sealed record ViolationsAt(long Position, Encoding.Cid? Schema, Replication.Subscription Holds, IReadOnlyList<SchemaViolation> Found);
    private volatile ViolationsAt? _lastViolations;

    /// <summary>The schema as of <paramref name="position"/>.</summary>
    internal SchemaVersion SchemaAt(long position)
    {
        var latest = Runtime.Schemas.Latest;
        if (latest.Commit is null || position >= latest.Position) return latest.Position <= position ? latest : SchemaVersion.None;
        return Runtime.Schemas.Of(_reader.At(Runtime, SystemCollections.Schema, SystemCollections.SchemaDocument, position));
    }

    /// <summary>Whether a stored document can be seen under the schema: it exists, and every parent it
    /// names through a remove-wins reference can be seen too.</summary>
    private bool Visible(string collection, VersionRecord version, long position)
    {
        if (!version.State.Exists) return false;
        var schema = SchemaAt(position).Schema;
        return !Visibility.DependsOnParents(schema, collection)
            || Visibility.IsVisible(schema, collection, version.State, (c, id) => Holds.Matches(c, id) ? _reader.At(Runtime, c, id, position)?.State : Visibility.Unknown);
    }

    /// <summary>Stored documents that break <paramref name="schema"/>, at most <see cref="MaxViolations"/>.</summary>
    private IReadOnlyList<SchemaViolation> Violations(Schema schema, long position, CancellationToken cancellation)
    {
        var found = new List<SchemaViolation>();
        foreach (var rules in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (!Holds.HoldsWhole(rules.Name)) continue;
            // The first document with each unique value keeps it; later ones are reported.
            var firstWith = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (id, version) in _reader.CollectionAt(Runtime, rules.Name, position))
            {
                cancellation.ThrowIfCancellationRequested();
                if (!version.State.Exists) continue;
                foreach (var (tuple, values, key) in UniqueRules.ReservationsOf(rules, version.State))
                {
                    if (firstWith.TryGetValue(key, out var first))
                        found.Add(new SchemaViolation(rules.Name, id, $"unique ({string.Join(", ", tuple)})", $"{UniqueRules.Describe(tuple, values)} is also used by {rules.Name}/{first}"));
                    else firstWith[key] = id;
                }
                foreach (var (constraint, problem, _) in DocumentRules.Problems(rules, version.State))
                    found.Add(new SchemaViolation(rules.Name, id, constraint, problem));
                foreach (var field in rules.Fields.Values)
                {
                    if (field.References is not { } parent || Visibility.ReferenceOf(version.State, field) is not { } parentId) continue;
                    if (!Holds.Matches(parent, parentId)) continue;
                    var target = _reader.At(Runtime, parent, parentId, position);
                    if (target is null || !Visible(parent, target, position))
                        found.Add(new SchemaViolation(rules.Name, id, $"{field.Path} → {parent}", $"'{field.Path}' names {parent}/{parentId}, which does not exist"));
                }
                if (found.Count >= MaxViolations) return found;
            }
        }
        return found;
    }

    /// <summary>On the home replica: hands <paramref name="replica"/>, in advance, the values of a unique
    /// tuple of <paramref name="collection"/> whose hash starts with one of <paramref name="shards"/>
    /// (hex digits, e.g. "0-7" or "08f"), so it can give them to documents without asking anyone.
    /// Values already used keep their holder.</summary>
    public async Task<WriteResult> HandOutValueRangeAsync(string collection, IReadOnlyList<string> fields, string shards, string replica, CancellationToken cancellation = default)
    {
        CheckOpen();
        var schema = SchemaAt(Runtime.Position).Schema;
        var rules = schema.For(Names.Collection(collection)) ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"The schema declares no collection '{collection}'.");
        int tuple = rules.Unique.ToList().FindIndex(t => t.SequenceEqual(fields));
        if (tuple < 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{collection}' has no unique ({Names.Clip(string.Join(", ", fields))}).");
        if (!Security.DidKey.IsValid(replica)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Names.Clip(replica)}' is not a replica's did:key.");
        return await _pipeline.CommitAsync(Runtime, [new DocumentWrites(SystemCollections.Reservations, UniqueRules.RangesId(collection, rules.Unique[tuple]),
            [new DocumentIntent.HandOutRange(replica, ParseShards(shards))])], cancellation).ConfigureAwait(false);
    }

    /// <summary>"0-7", "08f" or "0,1,a-c": hex digits and ranges of them.</summary>
    internal static IReadOnlyList<char> ParseShards(string text)
    {
        var digits = new SortedSet<char>();
        static bool Hex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f';
        var parts = text.ToLowerInvariant().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part.Length == 3 && part[1] == '-' && Hex(part[0]) && Hex(part[2]) && part[0] <= part[2])
                for (char c = part[0]; c <= part[2]; c = c == '9' ? 'a' : (char)(c + 1)) digits.Add(c);
            else if (part.All(Hex)) foreach (char c in part) digits.Add(c);
            else throw new InvalidInputException(ErrorCodes.InvalidValue, $"Ranges are hex digits and ranges of them, like 0-7 or 08f, not '{Names.Clip(text)}'.");
        }
        if (digits.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "Name at least one range (a hex digit, 0-f).");
        return [.. digits];
    }

    /// <summary>A new document id for <paramref name="collection"/>, made as its schema says.</summary>
    internal ValueTask<string> NewIdAsync(string collection, CancellationToken cancellation) => SchemaAt(Runtime.Position).Schema.For(collection)?.Id switch
    {
        IdGeneration.Uuid => ValueTask.FromResult(Replica.Uuids.Next()),
        IdGeneration.Ordered => ValueTask.FromResult(OrderedIds.For(Replica.Clock.Now(), Replica.Tag, 0)),
        IdGeneration.Sequence => SequenceIdAsync(collection, cancellation),
        _ => ValueTask.FromResult(UuidIds.Plain(Replica.Options.PhysicalClock(), Replica.Options.Random.Fill)),
    };

    private async ValueTask<string> SequenceIdAsync(string collection, CancellationToken cancellation)
        => (await Reservations.NextSequenceAsync(collection, ReservationWait, cancellation).ConfigureAwait(false)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How long a write waits for a peer to hand over a reservation or a block: the scope's
    /// wait (<see cref="WaitingForRights"/>) if longer, else a few seconds, since the holder is asked
    /// only while it is connected.</summary>
    private static TimeSpan ReservationWait => RightsWaitInScope is { } wait && wait > DefaultReservationWait ? wait : DefaultReservationWait;

    private static readonly TimeSpan DefaultReservationWait = TimeSpan.FromSeconds(5);

    /// <summary>How many violations a schema answer lists at most.</summary>
    public const int MaxViolations = 1000;
}

/// <summary>A schema version with its analysis and the stored documents that break it.</summary>
public sealed record SchemaInfo(SchemaVersion Version, SchemaAnalysis Analysis, IReadOnlyList<SchemaViolation> Violations)
{
    public Schema Schema => Version.Schema;
}
