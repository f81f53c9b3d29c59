using Causeway.Schemas;

namespace Causeway.Models.Migrations;

/// <summary>Compares the schema a database holds with the schema it would get, collection by collection
/// and field by field. What only relaxes the rules (a new field or collection, a constraint dropped or
/// loosened) is safe; what stored documents or old replicas' writes may stop fitting is breaking.</summary>
public static class SchemaDiff
{
    /// <summary>The changes from <paramref name="current"/> to <paramref name="next"/>, in collection
    /// then field order (the home replica and the migration version are not compared).</summary>
    public static IReadOnlyList<SchemaChange> Between(Schema current, Schema next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var changes = new List<SchemaChange>();
        var names = current.Collections.Keys.Union(next.Collections.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (string name in names)
        {
            var before = current.For(name);
            var after = next.For(name);
            if (before is null)
                changes.Add(new(SchemaChangeKind.CollectionAdded, name, [], $"collection added ({Count(after!.Fields.Count, "field")})", false));
            else if (after is null)
                changes.Add(new(SchemaChangeKind.CollectionRemoved, name, [], "collection removed: it becomes schemaless", true));
            else
                Compare(before, after, changes);
        }
        return changes;
    }

    private static void Compare(CollectionRules before, CollectionRules after, List<SchemaChange> changes)
    {
        string name = after.Name;
        if (before.Id != after.Id)
            changes.Add(new(SchemaChangeKind.CollectionChanged, name, [], $"ids {Lower(before.Id)} → {Lower(after.Id)}", false));
        if (before.Index != after.Index)
            changes.Add(new(SchemaChangeKind.CollectionChanged, name, [], "index rule changed", false));
        var added = new HashSet<string>(after.Fields.Keys.Except(before.Fields.Keys), StringComparer.Ordinal);
        foreach (string path in before.Fields.Keys.Union(after.Fields.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var old = before.Field(path);
            var now = after.Field(path);
            if (old is null)
                changes.Add(new(SchemaChangeKind.FieldAdded, name, [path], $"field added ({Describe(now!)})", now!.Required));
            else if (now is null)
                changes.Add(new(SchemaChangeKind.FieldRemoved, name, [path], $"field removed (was {Describe(old)})", true));
            else
                Compare(name, old, now, changes);
        }
        // A constraint over fields this very change adds holds nothing stored yet: safe.
        bool OnNewFields(IEnumerable<string> fields) => fields.All(added.Contains);
        var oldTuples = before.Unique.Select(Tuple).ToHashSet(StringComparer.Ordinal);
        var newTuples = after.Unique.Select(Tuple).ToHashSet(StringComparer.Ordinal);
        foreach (var tuple in after.Unique.Where(t => !oldTuples.Contains(Tuple(t))))
            changes.Add(new(SchemaChangeKind.ConstraintAdded, name, tuple, $"unique ({Tuple(tuple)}) added", !OnNewFields(tuple)));
        foreach (var tuple in before.Unique.Where(t => !newTuples.Contains(Tuple(t))))
            changes.Add(new(SchemaChangeKind.ConstraintRemoved, name, tuple, $"unique ({Tuple(tuple)}) removed", false));
        foreach (var check in after.Checks)
        {
            var fields = check.Expression.Fields.Order(StringComparer.Ordinal).ToList();
            var was = before.Checks.FirstOrDefault(c => c.Name == check.Name);
            if (was is null)
                changes.Add(new(SchemaChangeKind.ConstraintAdded, name, fields, $"check '{check.Name}' added: {check.Expression.Text}", !OnNewFields(fields)));
            else if (was.Expression.Text != check.Expression.Text)
                changes.Add(new(SchemaChangeKind.ConstraintAdded, name, fields, $"check '{check.Name}' changed: {was.Expression.Text} → {check.Expression.Text}", true));
        }
        foreach (var check in before.Checks.Where(c => after.Checks.All(n => n.Name != c.Name)))
            changes.Add(new(SchemaChangeKind.ConstraintRemoved, name, [.. check.Expression.Fields.Order(StringComparer.Ordinal)], $"check '{check.Name}' removed", false));
    }

    private static void Compare(string collection, FieldRule old, FieldRule now, List<SchemaChange> changes)
    {
        string path = now.Path;
        void Add(SchemaChangeKind kind, string detail, bool breaking) => changes.Add(new(kind, collection, [path], detail, breaking));
        if (old.Kind != now.Kind || (old.Type != now.Type && now.Type is not null))
        {
            // A new kind or type is a new field in place: its other rules come with it.
            Add(SchemaChangeKind.FieldRetyped, $"retyped {Describe(old)} → {Describe(now)}", true);
            return;
        }
        if (old.Type is { } was && now.Type is null) Add(SchemaChangeKind.ConstraintRemoved, $"type {Lower(was)} no longer enforced", false);
        if (old.Required != now.Required)
            Add(now.Required ? SchemaChangeKind.ConstraintAdded : SchemaChangeKind.ConstraintRemoved, now.Required ? "now required" : "no longer required", now.Required);
        if (old.References != now.References)
        {
            if (now.References is null) Add(SchemaChangeKind.ConstraintRemoved, $"no longer references {old.References}", false);
            else Add(SchemaChangeKind.ConstraintAdded, $"now references {now.References}", true);
        }
        else if (old.References is not null && old.Policy != now.Policy)
        {
            bool stricter = now.Policy == ReferencePolicy.RemoveWins;
            Add(stricter ? SchemaChangeKind.ConstraintAdded : SchemaChangeKind.ConstraintRemoved, $"reference policy {Policy(old.Policy)} → {Policy(now.Policy)}", stricter);
        }
        if (old.Min != now.Min || old.Max != now.Max)
        {
            bool tighter = (now.Min ?? long.MinValue) > (old.Min ?? long.MinValue) || (now.Max ?? long.MaxValue) < (old.Max ?? long.MaxValue);
            Add(tighter ? SchemaChangeKind.ConstraintAdded : SchemaChangeKind.ConstraintRemoved, $"bounds {Bounds(old)} → {Bounds(now)}", tighter);
        }
    }

    private static string Describe(FieldRule field)
    {
        var words = new List<string> { field.Kind };
        if (field.Type is { } type) words.Add(Lower(type));
        if (field.References is { } target) words.Add($"→ {target}");
        if (field.Min is not null || field.Max is not null) words.Add(Bounds(field));
        if (field.Required) words.Add("required");
        return string.Join(' ', words);
    }

    private static string Bounds(FieldRule field) => $"[{field.Min?.ToString() ?? "-∞"}, {field.Max?.ToString() ?? "∞"}]";

    private static string Policy(ReferencePolicy policy) => policy == ReferencePolicy.AddWins ? "add-wins" : "remove-wins";

    private static string Tuple(IReadOnlyList<string> fields) => string.Join(", ", fields);

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string Lower<T>(T value) where T : notnull => value.ToString()!.ToLowerInvariant();
}
