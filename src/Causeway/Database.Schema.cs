using Causeway.Schemas;

namespace Causeway;

/// <summary>A database's schema: declared kinds and constraints (docs/invariants.md). The work is
/// the invariants' (<see cref="Invariants.SchemaChanges"/>); this is its public face.</summary>
public sealed partial class Database
{
    /// <summary>Analyzes <paramref name="schema"/> and, if every constraint in it can be guaranteed,
    /// stores it as the next version (a commit of <c>_schema/current</c>, replicated like data). A
    /// constraint that cannot be guaranteed is refused (schema_violation) and nothing is written.
    /// Documents already stored that break the new schema are listed in the answer, not changed.</summary>
    public Task<SchemaInfo> SetSchemaAsync(Schema schema, CancellationToken cancellation = default) => _schemas.SetAsync(schema, cancellation);

    /// <summary>The schema in force (empty, version 0, when none was ever set), its analysis and the
    /// stored documents that break it.</summary>
    public Task<SchemaInfo> GetSchemaAsync(CancellationToken cancellation = default) => Task.FromResult(_schemas.Get(cancellation));

    /// <summary>On the home replica: hands <paramref name="replica"/>, in advance, the values of a unique
    /// tuple of <paramref name="collection"/> whose hash starts with one of <paramref name="shards"/>
    /// (hex digits, e.g. "0-7" or "08f"), so it can give them to documents without asking anyone.
    /// Values already used keep their holder.</summary>
    public Task<WriteResult> HandOutValueRangeAsync(string collection, IReadOnlyList<string> fields, string shards, string replica, CancellationToken cancellation = default)
        => _schemas.HandOutValueRangeAsync(collection, fields, shards, replica, cancellation);

    /// <summary>How many violations a schema answer lists at most.</summary>
    public const int MaxViolations = Invariants.SchemaChanges.MaxViolations;
}
