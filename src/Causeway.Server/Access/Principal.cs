namespace Causeway.Server.Access;

/// <summary>Who a request acts for, and what it may do. Abilities follow docs/api.md (doc/read,
/// doc/write, …, or * for all); a resource is a database name, and authority over a database
/// covers its children.</summary>
public sealed class Principal(string name, IReadOnlySet<string> abilities, IReadOnlyList<string>? databases = null)
{
    public static readonly Principal Admin = new("admin", new HashSet<string> { Ability.All });

    public string Name { get; } = name;

    public bool Can(string ability, string? database)
    {
        if (!abilities.Contains(Ability.All) && !abilities.Contains(ability)) return false;
        if (databases is null || database is null) return true;
        foreach (var root in databases)
            if (database == root || database.StartsWith(root + ".", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Whether the principal may see a database at all (for listings).</summary>
    public bool Sees(string database) => databases is null || Can(Ability.All, database) || databases.Any(r => database == r || database.StartsWith(r + ".", StringComparison.Ordinal));
}

public static class Ability
{
    public const string All = "*";
    public const string DocRead = "doc/read";
    public const string DocWrite = "doc/write";
    public const string DocDelete = "doc/delete";
    public const string HistoryRead = "history/read";
    public const string DbCreate = "db/create";
    public const string DbAdmin = "db/admin";
}
