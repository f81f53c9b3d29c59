using Causeway.Clocks;

namespace Causeway.Tests.Clocks;

public class VersionVectorTests
{
    private static VersionVector V(params (string R, long S)[] entries) =>
        new(entries.Select(e => new KeyValuePair<string, long>(e.R, e.S)));

    [Fact]
    public void Get_set_advance_contains()
    {
        var v = new VersionVector();
        Assert.Equal(0, v.Get("a"));
        v.Advance(new Dot("b", 3));
        v.Advance(new Dot("b", 2));
        v.Set("a", 1);
        Assert.Equal(3, v.Get("b"));
        Assert.True(v.Contains(new Dot("b", 3)));
        Assert.False(v.Contains(new Dot("b", 4)));
        Assert.False(v.Contains(new Dot("c", 1)));
        v.Set("b", 0);
        Assert.Equal(1, v.Count);
        Assert.Equal(V(("a", 1)), v);
    }

    [Fact]
    public void Enumerates_sorted_by_replica_ordinal()
    {
        var v = V(("b", 1), ("B", 2), ("a", 3), ("aa", 4));
        Assert.Equal(["B", "a", "aa", "b"], v.Entries.Select(e => e.Key));
        var seen = new List<string>();
        foreach (var (r, _) in v) seen.Add(r);
        Assert.Equal(["B", "a", "aa", "b"], seen);
        Assert.Equal("{B:2, a:3, aa:4, b:1}", v.ToString());
    }

    [Fact]
    public void Compare_dominates_merge()
    {
        var a = V(("x", 2), ("y", 1));
        var b = V(("x", 2));
        var c = V(("x", 1), ("z", 1));
        Assert.Equal(VectorOrdering.After, a.Compare(b));
        Assert.Equal(VectorOrdering.Before, b.Compare(a));
        Assert.Equal(VectorOrdering.Equal, a.Compare(a.Clone()));
        Assert.Equal(VectorOrdering.Concurrent, a.Compare(c));
        Assert.True(a.Dominates(b));
        Assert.False(b.Dominates(a));
        Assert.Equal(VectorOrdering.Equal, new VersionVector().Compare(new VersionVector()));

        var m = a.Clone();
        m.Merge(c);
        Assert.Equal(V(("x", 2), ("y", 1), ("z", 1)), m);
        Assert.True(m.Dominates(a) && m.Dominates(c));
        Assert.Equal(V(("x", 2), ("y", 1)), a); // clone is independent
    }

    [Fact]
    public void Structural_equality_and_hash()
    {
        var a = V(("x", 2), ("y", 1));
        var b = new VersionVector();
        b.Set("y", 1);
        b.Set("x", 2);
        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        b.Advance(new Dot("x", 3));
        Assert.False(a.Equals(b));
    }

    [Fact]
    public void Dot_orders_by_replica_ordinal_then_seq()
    {
        var dots = new[] { new Dot("b", 1), new Dot("a", 10), new Dot("a", 2), new Dot("B", 5) };
        Array.Sort(dots);
        Assert.Equal([new Dot("B", 5), new Dot("a", 2), new Dot("a", 10), new Dot("b", 1)], dots);
    }
}
