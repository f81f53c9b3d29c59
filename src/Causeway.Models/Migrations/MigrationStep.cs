using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>One declared change of a migration. It names the fields it is about, so applying knows
/// which breaking changes of the new schema it allows, and it may show an old document in the new
/// shape when the typed session reads it.</summary>
public abstract record MigrationStep
{
    private protected MigrationStep(string collection) => Collection = Names.Collection(collection);

    public string Collection { get; }

    /// <summary>The field paths this step declares changes of.</summary>
    public abstract IReadOnlyList<string> Fields { get; }

    /// <summary>Whether this step declares <paramref name="change"/>: same collection, and a field in common.</summary>
    public virtual bool Covers(SchemaChange change)
        => change.Collection == Collection && change.Fields.Any(f => Fields.Contains(f, StringComparer.Ordinal));

    /// <summary>The document's fields as the new version reads them; what it carries over (a value shown
    /// under a new name, a converted value) is added to <paramref name="carried"/>.</summary>
    internal virtual Value Upcast(Value fields, CollectionRules? rules, List<CarriedField> carried) => fields;

    private protected static string Path(string path) => FieldPath.Parse(path).ToString();
}

/// <summary>A field now lives under another name. On read, a document that has <see cref="From"/> and not
/// <see cref="To"/> shows the old value under the new name.</summary>
public sealed record RenameField : MigrationStep
{
    public RenameField(string collection, string from, string to) : base(collection)
    {
        From = Path(from);
        To = Path(to);
        if (From == To) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Renaming {collection}.{from} to itself changes nothing.");
    }

    public string From { get; }
    public string To { get; }
    public override IReadOnlyList<string> Fields => [From, To];

    internal override Value Upcast(Value fields, CollectionRules? rules, List<CarriedField> carried)
    {
        if (StoredPath.At(fields, To) is not null || StoredPath.At(fields, From) is not { } old) return fields;
        carried.Add(new CarriedField(To, old, Replaces: false));
        return StoredPath.With(fields, To, old);
    }
}

/// <summary>A field changes kind or type (<c>lww</c> string → <c>counter</c>). On read, a stored value
/// that does not fit the new rule yet goes through <see cref="Convert"/>; without one it is shown as stored.</summary>
public sealed record RetypeField : MigrationStep
{
    public RetypeField(string collection, string field, Func<Value, Value>? convert = null) : base(collection)
    {
        Field = Path(field);
        Convert = convert;
    }

    public string Field { get; }
    public Func<Value, Value>? Convert { get; }
    public override IReadOnlyList<string> Fields => [Field];

    internal override Value Upcast(Value fields, CollectionRules? rules, List<CarriedField> carried)
    {
        if (Convert is null || StoredPath.At(fields, Field) is not { } stored || StoredPath.Fits(stored, rules?.Field(Field))) return fields;
        Value converted;
        try { converted = Convert(stored); }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            throw new TypeMismatchException($"Field '{Collection}.{Field}' holds {stored}, which its migration cannot convert ({e.GetType().Name}: {e.Message}).");
        }
        // A value an earlier step carried here (a rename) is not stored at this path: nothing to unset.
        var earlier = carried.Find(c => c.Path == Field);
        if (earlier is not null) carried.Remove(earlier);
        carried.Add(new CarriedField(Field, converted, Replaces: earlier?.Replaces ?? true));
        return StoredPath.With(fields, Field, converted);
    }
}

/// <summary>A field is no longer declared. Its stored values stay; the new version does not read them.</summary>
public sealed record DropField : MigrationStep
{
    public DropField(string collection, string field) : base(collection) => Field = Path(field);

    public string Field { get; }
    public override IReadOnlyList<string> Fields => [Field];
}

/// <summary>A new field, declared so it may be required. On read, a document without it shows
/// <see cref="Default"/> (when given).</summary>
public sealed record AddField : MigrationStep
{
    public AddField(string collection, string field, Value? defaultValue = null) : base(collection)
    {
        Field = Path(field);
        Default = defaultValue is { IsNull: true } ? null : defaultValue;
    }

    public string Field { get; }
    public Value? Default { get; }
    public override IReadOnlyList<string> Fields => [Field];

    internal override Value Upcast(Value fields, CollectionRules? rules, List<CarriedField> carried)
    {
        if (Default is null || StoredPath.At(fields, Field) is not null) return fields;
        carried.Add(new CarriedField(Field, Default, Replaces: false));
        return StoredPath.With(fields, Field, Default);
    }
}

/// <summary>A collection is no longer declared: it becomes schemaless, its documents stay.</summary>
public sealed record DropCollection : MigrationStep
{
    public DropCollection(string collection) : base(collection) { }

    public override IReadOnlyList<string> Fields => [];

    public override bool Covers(SchemaChange change) => change.Collection == Collection;
}

/// <summary>A constraint on these fields appears or grows stricter (required, unique, a check, a
/// reference, narrower bounds): stored documents that break it are listed by the schema's answer.</summary>
public sealed record TightenConstraint : MigrationStep
{
    public TightenConstraint(string collection, params string[] fields) : base(collection)
    {
        if (fields.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Name the fields of {collection} whose constraint tightens.");
        Fields = [.. fields.Select(Path)];
    }

    public override IReadOnlyList<string> Fields { get; }
}

/// <summary>A value an upcast showed that the stored document does not hold: written as the new
/// field the next time the session writes the document (<see cref="Replaces"/>: after an unset of
/// the old value, whose kind may differ).</summary>
internal sealed record CarriedField(string Path, Value Value, bool Replaces);
