using Causeway.Errors;
using Causeway.Schemas;

namespace Causeway.Models.Migrations;

/// <summary>What applying migrations did: the versions before and after, the schema changes, and the
/// engine's answer (null when nothing was written: the database already had this schema and version).</summary>
public sealed record MigrationResult(long From, long To, IReadOnlyList<SchemaChange> Changes, SchemaInfo? Written)
{
    public bool Applied => Written is not null;
}

/// <summary>Takes a database from the schema it holds to a new one. Safe changes apply as they are; each
/// breaking one must be declared by a pending migration. The schema is written the way
/// <c>PUT schema</c> writes it (one commit of <c>_schema/current</c>), with the last pending
/// migration's version in its <see cref="Schema.Migration"/>, so the version and the schema are one
/// commit, replicate together, and a second run finds nothing to do.</summary>
public static class SchemaMigration
{
    /// <summary>The changes applying <paramref name="target"/> would make to <paramref name="database"/>.</summary>
    public static async Task<IReadOnlyList<SchemaChange>> DiffAsync(IDocumentDatabase database, Schema target, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(target);
        var current = await database.GetSchemaAsync(cancellation).ConfigureAwait(false);
        return SchemaDiff.Between(current.Schema, target);
    }

    /// <summary>Applies the migrations of <paramref name="log"/> the database has not seen, with
    /// <paramref name="target"/> as the resulting schema. Throws <see cref="UndeclaredSchemaChangeException"/>
    /// (writing nothing) for a breaking change none of them declares.</summary>
    public static async Task<MigrationResult> ApplyAsync(IDocumentDatabase database, Schema target, MigrationLog log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(log);
        var current = await database.GetSchemaAsync(cancellation).ConfigureAwait(false);
        long from = current.Schema.Migration ?? 0;
        if (from > log.Latest)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The database is at migration {from}, past the last one declared here ({log.Latest}): migrate with the newer code.");
        var pending = log.After(from);
        var changes = SchemaDiff.Between(current.Schema, target);
        var declared = pending.SelectMany(m => m.Steps).ToList();
        foreach (var change in changes.Where(c => c.Breaking))
            if (!declared.Any(step => step.Covers(change))) throw new UndeclaredSchemaChangeException(change, from);
        long to = pending.Count > 0 ? pending[^1].Version : from;
        if (changes.Count == 0 && to == from) return new MigrationResult(from, to, changes, null);
        var written = await database.SetSchemaAsync(target with { Migration = to == 0 ? null : to }, cancellation).ConfigureAwait(false);
        return new MigrationResult(from, to, changes, written);
    }
}
