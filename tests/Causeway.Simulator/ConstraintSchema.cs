using Causeway.Crdt;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Simulator;

/// <summary>The schema one replica sets at the start of a run, and what the simulator knows of it on
/// its own (without asking the engine): a bounded counter, a check over two lww numbers, and a parent
/// collection with one child collection per reference policy. The schemaless collections of
/// <see cref="Workload"/> and the audit collection stay outside it.</summary>
public sealed class ConstraintSchema
{
    public const string Bounded = "accounts";
    public const string Counter = "n";
    public const long Min = 0;

    public const string Checked = "ranges";
    public const string Lo = "lo";
    public const string Hi = "hi";
    public const string CheckName = "ordered";
    public const string CheckText = "lo >= 0 and hi > lo";

    public const string Parents = "parents";
    public const string AddWinsChildren = "children_aw";
    public const string RemoveWinsChildren = "children_rw";
    public const string Parent = "parent";

    public const string Handles = "handles";
    public const string Name = "name";
    public const string Tickets = "tickets";

    public static readonly string[] HandleIds = ["h0", "h1", "h2", "h3"];
    public static readonly string[] HandleNames = ["ann", "bob", "cy", "dee", "eve", "fay"];
    public static readonly string[] BoundedIds = ["x", "y"];
    public static readonly string[] CheckedIds = ["r0", "r1", "r2"];
    public static readonly string[] ParentIds = ["p0", "p1", "p2"];
    public static readonly string[] ChildIds = ["c0", "c1", "c2", "c3"];
    public static readonly string[] ChildCollections = [AddWinsChildren, RemoveWinsChildren];

    public ConstraintSchema(long? max, string home)
    {
        Max = max;
        Home = home;
        Schema = SchemaJson.Parse($$"""
            { "collections": {
                "{{Bounded}}": { "fields": { "{{Counter}}": { "kind": "bcounter", "min": {{Min}}{{(max is { } m ? $", \"max\": {m}" : "")}} }, "label": { "type": "string" } } },
                "{{Checked}}": { "fields": { "{{Lo}}": { "type": "number" }, "{{Hi}}": { "type": "number" }, "note": { "type": "string" } },
                                 "checks": [ { "name": "{{CheckName}}", "expr": "{{CheckText}}" } ] },
                "{{Parents}}": { "fields": { "name": { "type": "string" } } },
                "{{AddWinsChildren}}": { "fields": { "{{Parent}}": { "references": "{{Parents}}", "policy": "add-wins" }, "v": { "type": "integer" } } },
                "{{RemoveWinsChildren}}": { "fields": { "{{Parent}}": { "references": "{{Parents}}", "policy": "remove-wins" }, "v": { "type": "integer" } } },
                "{{Handles}}": { "fields": { "{{Name}}": { "type": "string", "required": true } }, "unique": [ ["{{Name}}"] ] },
                "{{Tickets}}": { "id": "sequence", "fields": { "by": { "type": "string" } } } } }
            """);
    }

    /// <summary>The counter's upper bound, on the seeds that have one.</summary>
    public long? Max { get; }

    /// <summary>The replica that set the schema: it holds the initial slack (−min below, max above).</summary>
    public string Home { get; }

    public Schema Schema { get; }

    /// <summary>The rights <paramref name="replica"/> holds on <paramref name="side"/> of a counter
    /// (null: none made yet), computed from the counter's state as the bounded-counter paper
    /// defines them: its movable part plus the home's initial slack.</summary>
    public Int128 Rights(BCounter? counter, string replica, BoundSide side)
    {
        Int128 slack = replica != Home ? 0 : side == BoundSide.Lower ? -(Int128)Min : Max ?? 0;
        return (counter?.ExactRights(replica, side) ?? 0) + slack;
    }

    /// <summary>The check <c>lo &gt;= 0 and hi &gt; lo</c> as SQL evaluates it (Kleene logic: an
    /// absent or null field, or one that is not a number, is unknown; only false refuses).</summary>
    public static bool? Ordered(Value? lo, Value? hi)
    {
        bool? nonNegative = Compare(lo, Value.Int(0), c => c >= 0);
        bool? above = Compare(hi, lo, c => c > 0);
        if (nonNegative == false || above == false) return false;
        return nonNegative == true && above == true ? true : null;
    }

    private static bool? Compare(Value? a, Value? b, Func<int, bool> holds)
        => a is { IsNumber: true } && b is { IsNumber: true } ? holds(Number(a).CompareTo(Number(b))) : null;

    private static decimal Number(Value v) => v.Kind switch
    {
        ValueKind.Int => v.AsInt(),
        ValueKind.Double => (decimal)v.AsDouble(),
        _ => v.AsDecimal(),
    };
}
