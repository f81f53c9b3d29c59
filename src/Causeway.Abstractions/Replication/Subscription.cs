using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>Which documents a replica holds of a database: everything, or the documents of some
/// collections (each optionally only ids with a prefix).</summary>
public sealed class Subscription : IEquatable<Subscription>
{
    private Subscription(IReadOnlyList<CollectionSelector>? selectors) => Selectors = selectors;

    public static Subscription Everything { get; } = new(null);

    /// <summary>Null when every collection is held.</summary>
    public IReadOnlyList<CollectionSelector>? Selectors { get; }

    public bool IsEverything => Selectors is null;

    /// <summary>Selectors are validated, deduplicated and sorted, so equal subscriptions encode equally.</summary>
    public static Subscription Of(IEnumerable<CollectionSelector> selectors)
    {
        var list = selectors.Distinct().OrderBy(s => s.Collection, StringComparer.Ordinal).ThenBy(s => s.IdPrefix ?? "", StringComparer.Ordinal).ToList();
        foreach (var s in list)
        {
            Names.Collection(s.Collection);
            if (s.IdPrefix is { Length: > 0 }) Names.DocumentId(s.IdPrefix);
        }
        if (list.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "A subscription names at least one collection.");
        return new Subscription(list);
    }

    /// <summary>Every replica holds the system collections (schema, reservations, sequences): the
    /// rules it enforces must be complete wherever it writes.</summary>
    public bool Matches(string collection, string id)
    {
        // A loop, not a lambda: every read asks, and a whole replica should not pay for a closure.
        if (Selectors is null || Schemas.SystemCollections.IsSystem(collection)) return true;
        foreach (var s in Selectors)
            if (s.Collection == collection && (s.IdPrefix is null || id.StartsWith(s.IdPrefix, StringComparison.Ordinal))) return true;
        return false;
    }

    /// <summary>Whether every document of <paramref name="collection"/> is selected.</summary>
    public bool HoldsWhole(string collection) => Selectors is null || Schemas.SystemCollections.IsSystem(collection) || Selectors.Any(s => s.Collection == collection && s.IdPrefix is null);

    /// <summary>Whether every document of <paramref name="collection"/> whose id starts with <paramref name="prefix"/> is selected.</summary>
    public bool HoldsPrefix(string collection, string prefix)
        => HoldsWhole(collection) || Selectors!.Any(s => s.Collection == collection && s.IdPrefix is not null && prefix.StartsWith(s.IdPrefix, StringComparison.Ordinal));

    /// <summary>Whether every document <paramref name="other"/> selects, this selects too.</summary>
    public bool Covers(Subscription other)
    {
        if (Selectors is null) return true;
        if (other.Selectors is null) return false;
        return other.Selectors.All(o => Selectors.Any(s => s.Collection == o.Collection
            && (s.IdPrefix is null || (o.IdPrefix is not null && o.IdPrefix.StartsWith(s.IdPrefix, StringComparison.Ordinal)))));
    }

    /// <summary>The error for a read or write of <paramref name="database"/> outside what this subscription holds
    /// (<paramref name="id"/> null: the whole collection).</summary>
    internal NotHeldException NotHeld(string database, string collection, string? id)
        => new($"This replica holds only {this} of database '{database}', not {(id is null ? $"all of collection '{collection}'" : $"{collection}/{id}")}: ask a replica that holds it.");

    internal void Write(DagCborWriter w)
    {
        if (Selectors is null) { w.WriteNull(); return; }
        w.WriteStartArray(Selectors.Count);
        foreach (var s in Selectors)
        {
            w.WriteStartArray(2);
            w.WriteText(s.Collection);
            if (s.IdPrefix is null) w.WriteNull(); else w.WriteText(s.IdPrefix);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>Reads the encoded form; a bad shape is <see cref="InvalidInputException"/>, which a frame
    /// decoder turns into a refusal and a stored-record decoder into corruption.</summary>
    internal static Subscription Read(DagCborReader r)
    {
        if (r.PeekKind() == DagCborKind.Null) { r.ReadNull(); return Everything; }
        int n = r.ReadStartArray();
        var selectors = new CollectionSelector[n];
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 2) throw new InvalidInputException(ErrorCodes.InvalidCbor, "A subscription entry is not [collection, prefix].");
            string collection = r.ReadText();
            string? prefix = null;
            if (r.PeekKind() == DagCborKind.Null) r.ReadNull(); else prefix = r.ReadText();
            r.ReadEndArray();
            selectors[i] = new CollectionSelector(collection, prefix);
        }
        r.ReadEndArray();
        return Of(selectors);
    }

    public bool Equals(Subscription? other)
        => other is not null && (Selectors is null ? other.Selectors is null : other.Selectors is not null && Selectors.SequenceEqual(other.Selectors));

    public override bool Equals(object? obj) => obj is Subscription s && Equals(s);

    public override int GetHashCode() => Selectors is null ? 0 : Selectors.Aggregate(17, (h, s) => h * 31 + s.GetHashCode());

    public override string ToString() => Selectors is null ? "every collection" : string.Join(", ", Selectors);
}

/// <summary>A collection, optionally narrowed to ids that start with a prefix.</summary>
public sealed record CollectionSelector(string Collection, string? IdPrefix = null)
{
    public override string ToString() => IdPrefix is null ? Collection : $"{Collection}/{IdPrefix}";

    /// <summary>Parses "orders" or "orders/eu-" (ids starting with "eu-").</summary>
    public static CollectionSelector Parse(string text)
    {
        int slash = text.IndexOf('/');
        return slash < 0 ? new(text) : new(text[..slash], text[(slash + 1)..] is { Length: > 0 } p ? p : null);
    }
}
