using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>A model's migrations in version order: which are pending on a database, and how a document
/// written at any earlier version reads at the latest (each version's upcast, oldest first).</summary>
public sealed class MigrationLog
{
    public static readonly MigrationLog Empty = new([]);

    private readonly Dictionary<string, MigrationStep[]> _upcasts;
    private readonly Dictionary<string, RenameField[]> _renames;

    public MigrationLog(IEnumerable<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Version == ordered[i - 1].Version)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Two migrations have version {ordered[i].Version}.");
        Migrations = ordered;
        _upcasts = ordered.SelectMany(m => m.Steps)
            .Where(s => s is RenameField or RetypeField or AddField)
            .GroupBy(s => s.Collection, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _renames = _upcasts.ToDictionary(e => e.Key, e => e.Value.OfType<RenameField>().ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>The last version declared (0 with none).</summary>
    public long Latest => Migrations.Count == 0 ? 0 : Migrations[^1].Version;

    /// <summary>The migrations after <paramref name="version"/>, in order.</summary>
    public IReadOnlyList<Migration> After(long version) => [.. Migrations.Where(m => m.Version > version)];

    /// <summary>Whether documents of <paramref name="collection"/> may read differently at the latest version.</summary>
    internal bool Upcasts(string collection) => _upcasts.Count != 0 && _upcasts.ContainsKey(collection);

    /// <summary>A query filter on <paramref name="collection"/> that also finds documents holding a
    /// renamed field only under an older name (<see cref="RenamedFields"/>).</summary>
    internal Queries.Predicate ReadingRenames(string collection, Queries.Predicate predicate)
        => _renames.TryGetValue(collection, out var renames) ? RenamedFields.Widen(predicate, renames) : predicate;

    /// <summary>A document's fields as the latest version reads them. Nothing is written: what the
    /// upcast shows that is not stored is listed in <paramref name="carried"/> for the next write.</summary>
    internal Value Upcast(string collection, Value fields, CollectionRules? rules, List<CarriedField> carried)
    {
        if (!_upcasts.TryGetValue(collection, out var steps)) return fields;
        foreach (var step in steps) fields = step.Upcast(fields, rules, carried);
        return fields;
    }
}
