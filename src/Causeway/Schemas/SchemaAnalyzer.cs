using Causeway.Crdt.Kinds;
using Causeway.Errors;

namespace Causeway.Schemas;

/// <summary>Decides, for each constraint of a schema, which technique keeps it without coordination
/// where one exists, and refuses (schema_violation) a constraint no technique can guarantee, with
/// the reason. Pure: the same schema always gets the same answer.</summary>
public static class SchemaAnalyzer
{
    public const string ConflictFree = "conflict_free";
    public const string AtomicGroup = "atomic_group";
    public const string BoundedCounter = "bounded_counter";
    public const string Reservation = "reservation";

    public static SchemaAnalysis Analyze(Schema schema)
    {
        var result = new List<ConstraintAnalysis>();
        foreach (var c in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            foreach (var f in c.Fields.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                CheckField(c, f);
                if (f.References is { } parent) result.Add(Reference(schema, c, f, parent));
                if (f.IsBounded) result.Add(Bound(c, f));
                if (f.Required)
                    result.Add(new(c.Name, $"{f.Path} required", "required", ConflictFree, [],
                        $"Every write of {c.Name} is checked to keep '{f.Path}'; no operation can remove it, so no merge can."));
            }
            foreach (var check in c.Checks) result.Add(Check(c, check));
            foreach (var tuple in c.Unique) result.Add(Unique(c, tuple));
            if (c.Id != IdGeneration.Client) result.Add(Ids(c));
        }
        CheckCascadeCycles(schema);
        return new SchemaAnalysis(result);
    }

    private static void CheckField(CollectionRules c, FieldRule f)
    {
        string where = $"Field '{f.Path}' of '{c.Name}'";
        if ((f.Min is not null || f.Max is not null) && !f.IsBounded)
            throw Refuse($"{where} has bounds but is a {f.Kind}: concurrent writes of a {f.Kind} can cross any bound. Declare it \"kind\": \"bcounter\", or state the rule as a check.");
        if (f.CrdtKind is { } kind && FieldKindRegistry.Of(kind).Refusal(f, where) is { } reason) throw Refuse(reason);
        if (f.References is not null)
        {
            if (f.Kind != "lww") throw Refuse($"{where} references '{f.References}' but is a {f.Kind}: a reference is an lww field holding one document id.");
            if (f.Type is not (null or ValueType.String)) throw Refuse($"{where} references '{f.References}': its value is a document id, a string.");
        }
    }

    private static ConstraintAnalysis Reference(Schema schema, CollectionRules c, FieldRule f, string parent)
    {
        string name = $"{f.Path} → {parent}";
        if (f.Policy == ReferencePolicy.AddWins)
            return new(c.Name, name, "reference", ConflictFree, [],
                $"Writing a {c.Name} touches the {parent} it names, so a concurrent delete of that {parent} is undone (add-wins). Deleting a {parent} that a {c.Name} still names here is refused.");
        return new(c.Name, name, "reference", ConflictFree, [],
            $"A {c.Name} is visible only while the {parent} it names is (remove-wins): deleting a {parent} hides its {c.Name} documents on every replica, including those written concurrently.");
    }

    private static ConstraintAnalysis Bound(CollectionRules c, FieldRule f)
    {
        var coordinates = new List<string>();
        if (f.Min is not null) coordinates.Add($"decrement {f.Path}");
        if (f.Max is not null) coordinates.Add($"increment {f.Path}");
        string range = $"{f.Min?.ToString() ?? "-∞"} ≤ {f.Path} ≤ {f.Max?.ToString() ?? "∞"}";
        return new(c.Name, range, "bound", BoundedCounter, coordinates,
            $"Each replica spends only the rights it holds; {string.Join(" and ", coordinates)} may ask another replica to transfer rights when the local ones run out (insufficient_rights, or a wait).");
    }

    private static ConstraintAnalysis Check(CollectionRules c, CheckRule check)
    {
        foreach (var path in check.Expression.Fields)
        {
            var rule = c.Field(path);
            if (rule is not null && rule.Kind != "lww")
                throw Refuse($"Check '{check.Name}' of '{c.Name}' reads '{path}', a {rule.Kind}: only lww fields can be written as one group, and concurrent {rule.Kind} writes merge unchecked."
                    + (rule.Kind is "counter" or "bcounter" ? " Bound a number with a bcounter's min and max instead." : ""));
        }
        var group = c.GroupOf(check.Expression.Fields.FirstOrDefault() ?? "") ?? new HashSet<string>();
        return new(c.Name, check.Name, "check", AtomicGroup, [],
            $"{string.Join(", ", group.Order(StringComparer.Ordinal))} are written together as one group on every write of any of them, and every write is checked, so the write that wins a merge satisfies '{check.Expression.Text}'.");
    }

    private static ConstraintAnalysis Unique(CollectionRules c, IReadOnlyList<string> tuple)
    {
        foreach (var path in tuple)
        {
            var rule = c.Field(path)!;
            if (rule.Kind != "lww") throw Refuse($"'unique' of '{c.Name}' names '{path}', a {rule.Kind}: only a single-valued lww field can be unique.");
        }
        string fields = string.Join(", ", tuple);
        return new(c.Name, $"unique ({fields})", "unique", Reservation, [$"create {c.Name}", $"set {fields}"],
            $"The right to use each value belongs to one replica at a time (the home replica until handed on); using a value this replica does not hold asks its holder, and fails with reservation_unavailable when the holder cannot be reached.");
    }

    private static ConstraintAnalysis Ids(CollectionRules c) => c.Id switch
    {
        IdGeneration.Sequence => new(c.Name, "id sequence", "id", Reservation, [$"create {c.Name}"],
            "Dense integers from blocks the home replica hands each replica in advance; a replica whose block is used up asks for the next one, and fails with reservation_unavailable when it cannot."),
        IdGeneration.Uuid => new(c.Name, "id uuid", "id", ConflictFree, [], "UUIDv7 carrying the replica's tag: unique without coordination."),
        _ => new(c.Name, "id ordered", "id", ConflictFree, [], "Hybrid-clock time, replica tag and index: unique, and ordered after every id the creating replica had seen."),
    };

    /// <summary>A remove-wins chain that loops would make a document's visibility depend on itself
    /// (a depth-first search over remove-wins references: white, on the path, done).</summary>
    private static void CheckCascadeCycles(Schema schema)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal);   // false: on the path; true: done
        foreach (var start in schema.Collections.Keys.Order(StringComparer.Ordinal))
        {
            if (state.ContainsKey(start)) continue;
            var path = new List<string>();
            var stack = new Stack<(string Collection, IEnumerator<string> Next)>();
            state[start] = false;
            path.Add(start);
            stack.Push((start, Parents(schema, start).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (collection, next) = stack.Peek();
                if (!next.MoveNext())
                {
                    state[collection] = true;
                    path.RemoveAt(path.Count - 1);
                    stack.Pop();
                    continue;
                }
                string parent = next.Current;
                if (state.TryGetValue(parent, out bool done))
                {
                    if (!done)
                        throw Refuse($"Remove-wins references form a cycle ({string.Join(" → ", path.Skip(path.IndexOf(parent)).Append(parent))}): a document's visibility would depend on itself. Make one of them add-wins.");
                    continue;
                }
                state[parent] = false;
                path.Add(parent);
                stack.Push((parent, Parents(schema, parent).GetEnumerator()));
            }
        }
    }

    private static IEnumerable<string> Parents(Schema schema, string collection)
        => schema.For(collection)?.Fields.Values.Where(f => f.References is not null && f.Policy == ReferencePolicy.RemoveWins).Select(f => f.References!) ?? [];

    private static SchemaViolationException Refuse(string reason) => new($"The schema cannot be guaranteed: {reason}");
}
