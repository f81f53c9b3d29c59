using Causeway.Crdt;
using Causeway.Errors;
using Causeway.Values;
using static Causeway.Tests.Crdt.T;

namespace Causeway.Tests.Crdt;

public class CrdtMapTests
{
    private static string[] P(params string[] names) => names;

    [Fact]
    public void Creates_nested_maps_on_demand_and_materializes_values()
    {
        var m = new CrdtMap();
        m.Apply(m.PrepareAssign(P("name"), S(1, "a", 0), Value.String("Ada")));
        m.Apply(m.PrepareIncrement(P("stats", "visits"), "a", 3));
        m.Apply(m.PrepareAwAdd(P("tags"), Value.String("b"), D("a", 1)));
        m.Apply(m.PrepareAwAdd(P("tags"), Value.String("a"), D("a", 1)));
        m.Apply(m.PrepareRwAdd(P("roles"), Value.String("admin"), D("a", 1)));
        m.Apply(m.PrepareMvAssign(P("stats", "color"), D("a", 1), Value.String("red")));
        m.Apply(m.PrepareEwEnable(P("ok"), D("a", 1)));
        m.Apply(m.PrepareDwEnable(P("stats", "deep", "on"), D("a", 1)));
        m.Apply(m.PrepareAssign(P("gone"), S(1, "a", 1), Value.Int(1)));
        m.Apply(m.PrepareUnset(P("gone"), S(1, "a", 2), D("a", 1))[0]);
        Assert.Equal(
            """{"name":"Ada","ok":true,"roles":["admin"],"stats":{"color":["red"],"deep":{"on":true},"visits":3},"tags":["a","b"]}""",
            m.ToValue().ToString());
        Assert.Equal(FieldKind.Counter, m.KindAt(P("stats", "visits")));
        Assert.Equal(FieldKind.Map, m.KindAt(P("stats")));
        Assert.Null(m.KindAt(P("gone")));
        Assert.Null(m.KindAt(P("nope", "x")));
        Assert.Equal(Value.Int(3), m.ValueAt(P("stats", "visits")));
    }

    [Fact]
    public void Concurrent_kinds_in_one_field_follow_the_fixed_precedence()
    {
        var baseMap = new CrdtMap();
        var lww = baseMap.PrepareAssign(P("f"), S(5, "a"), Value.String("scalar"));
        var counter = baseMap.PrepareIncrement(P("f"), "b", 2);
        var nested = baseMap.PrepareAssign(P("f", "x"), S(5, "c"), Value.Int(1));
        var set = baseMap.PrepareAwAdd(P("f"), Value.Int(9), D("d", 1));

        var m1 = baseMap.Clone();
        foreach (var op in new[] { lww, counter, set, nested }) m1.Apply(op);
        var m2 = baseMap.Clone();
        foreach (var op in new[] { nested, set, counter, lww }) m2.Apply(op);
        Assert.True(m1.Equals(m2));
        Assert.Equal(FieldKind.Map, m1.KindAt(P("f")));
        Assert.Equal("""{"f":{"x":1}}""", m1.ToValue().ToString());
        Assert.Equal([FieldKind.Lww, FieldKind.Counter, FieldKind.AwSet, FieldKind.Map], m1.FieldAt(P("f"))!.Kinds);

        // remove the map's only field: the counter is next
        foreach (var op in m1.PrepareUnset(P("f", "x"), S(6, "a"), D("a", 1))) m1.Apply(op);
        Assert.Equal(FieldKind.Counter, m1.KindAt(P("f")));
        Assert.Equal("""{"f":2}""", m1.ToValue().ToString());
        foreach (var op in m1.PrepareUnset(P("f"), S(7, "a"), D("a", 2)).Where(o => o.Inner is CounterReset)) m1.Apply(op);
        Assert.Equal(FieldKind.AwSet, m1.KindAt(P("f")));
        m1.Apply(m1.PrepareAwRemove(P("f"), Value.Int(9)));
        Assert.Equal(FieldKind.Lww, m1.KindAt(P("f")));
        Assert.Equal("""{"f":"scalar"}""", m1.ToValue().ToString());
    }

    [Fact]
    public void Precedence_and_wire_names_are_fixed()
    {
        Assert.Equal(
            [FieldKind.Map, FieldKind.BCounter, FieldKind.Counter, FieldKind.AwSet, FieldKind.RwSet, FieldKind.MvReg, FieldKind.FlagEw, FieldKind.FlagDw, FieldKind.Lww],
            FieldKinds.Precedence.ToArray());
        // Stored states encode a kind by its number: these must never move.
        string[] names = ["lww", "mvreg", "counter", "awset", "rwset", "flag_ew", "flag_dw", "map", "bcounter"];
        Assert.Equal(names.Length, Enum.GetValues<FieldKind>().Length); // a new kind needs a name and a place here
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(names[i], ((FieldKind)i).ToWireName());
            Assert.Equal((FieldKind)i, FieldKinds.Parse(names[i]));
        }
        Assert.Equal(ErrorCodes.InvalidValue, Assert.Throws<InvalidInputException>(() => FieldKinds.Parse("LWW")).Code);
    }

    [Fact]
    public void Unset_resets_every_kind_recursively_and_concurrent_writes_survive()
    {
        var m = new CrdtMap();
        m.Apply(m.PrepareAssign(P("doc", "title"), S(10, "a"), Value.String("t")));
        m.Apply(m.PrepareIncrement(P("doc", "n"), "a", 4));
        m.Apply(m.PrepareAwAdd(P("doc", "tags"), Value.String("x"), D("a", 1)));
        m.Apply(m.PrepareEwEnable(P("doc", "flag"), D("a", 1)));
        var other = m.Clone();

        var unset = m.PrepareUnset(P("doc"), S(20, "a"), D("a", 2));
        Assert.Equal(4, unset.Count);
        Assert.All(unset, op => Assert.Equal("doc", op.Path[0]));
        Assert.Equal(["flag", "n", "tags", "title"], unset.Select(op => op.Path[1])); // name order

        // concurrently at another replica: an older-stamped title, an increment, a new tag
        var concurrent = new[]
        {
            other.PrepareAssign(P("doc", "title"), S(15, "b"), Value.String("older")),
            other.PrepareIncrement(P("doc", "n"), "b", 1),
            other.PrepareAwAdd(P("doc", "tags"), Value.String("y"), D("b", 1)),
        };
        foreach (var op in unset) m.Apply(op);
        foreach (var op in concurrent) m.Apply(op);
        foreach (var op in concurrent) other.Apply(op);
        foreach (var op in unset) other.Apply(op);
        Assert.True(m.Equals(other));
        Assert.Equal("""{"doc":{"n":1,"tags":["y"]}}""", m.ToValue().ToString());
        Assert.Empty(new CrdtMap().PrepareUnset(P("missing"), S(1, "a"), D("a", 1)));
    }

    [Fact]
    public void Merge_is_per_field_per_kind()
    {
        var a = new CrdtMap();
        a.Apply(a.PrepareAssign(P("x"), S(1, "a"), Value.Int(1)));
        var b = a.Clone();
        a.Apply(a.PrepareIncrement(P("c"), "a", 1));
        b.Apply(b.PrepareIncrement(P("c"), "b", 1));
        b.Apply(b.PrepareAssign(P("x"), S(2, "b"), Value.Int(2)));
        b.Apply(b.PrepareEwEnable(P("m", "f"), D("b", 1)));
        var ab = a.Clone(); ab.Merge(b);
        var ba = b.Clone(); ba.Merge(a);
        Assert.True(ab.Equals(ba));
        Assert.Equal("""{"c":2,"m":{"f":true},"x":2}""", ab.ToValue().ToString());
        ab.Apply(ab.PrepareIncrement(P("c"), "a", 1));
        Assert.False(ab.Equals(ba)); // the clone is deep
        Assert.Equal(Value.Int(2), ba.ValueAt(P("c")));
    }

    [Fact]
    public void Bad_ops_are_rejected_without_side_effects()
    {
        var m = new CrdtMap();
        var ex = Assert.Throws<InvalidInputException>(() => m.Apply(new MapOp([.. P("a", "b")], new LwwAssign<string>(S(1, "a"), "not a Value"))));
        Assert.Equal(ErrorCodes.InvalidOp, ex.Code);
        Assert.Throws<InvalidInputException>(() => m.Apply(new MapOp([.. P("a")], new MapOp([.. P("b")], new LwwClear(S(1, "a"))))));
        Assert.Empty(m.Fields);
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<InvalidInputException>(() => m.Apply(new MapOp([], new LwwClear(S(1, "a"))))).Code);
        Assert.Throws<InvalidInputException>(() => m.PrepareIncrement(P(), "a", 1));
    }

    [Fact]
    public void Map_op_equality_is_structural()
    {
        var a = new MapOp([.. P("a", "b")], new AwAdd<Value>(Value.Int(1), D("a", 1), DotSet.Create(D("b", 2), D("a", 1))));
        var b = new MapOp([.. P("a", "b")], new AwAdd<Value>(Value.Int(1), D("a", 1), DotSet.Create(D("a", 1), D("b", 2))));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(new CounterReset([new("a", 1, 2)]), new CounterReset([new("a", 1, 2)]));
    }
}
