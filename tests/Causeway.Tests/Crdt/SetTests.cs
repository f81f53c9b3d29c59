using Causeway.Crdt;
using static Causeway.Tests.Crdt.T;

namespace Causeway.Tests.Crdt;

public class AwSetTests
{
    [Fact]
    public void Concurrent_add_and_remove_add_wins()
    {
        var a = new AwSet<string>();
        a.Apply(a.PrepareAdd("x", D("a", 1)));
        var b = a.Clone();
        var remove = a.PrepareRemove("x");
        var add = b.PrepareAdd("x", D("b", 1));
        a.Apply(remove); a.Apply(add);
        b.Apply(add); b.Apply(remove);
        Assert.Equal(["x"], a.Elements);
        Assert.True(a.Equals(b));
        a.Apply(a.PrepareRemove("x")); // a remove that saw the add removes it
        Assert.Empty(a.Elements);
    }

    [Fact]
    public void Elements_are_ordered_and_clear_removes_observed_only()
    {
        var s = new AwSet<string>();
        s.Apply(s.PrepareAdd("m", D("a", 1)));
        s.Apply(s.PrepareAdd("c", D("a", 2)));
        s.Apply(s.PrepareAdd("x", D("a", 2))); // two adds in one commit share its dot
        Assert.Equal(["c", "m", "x"], s.Elements);
        var clear = s.PrepareClear();
        var concurrent = new AwAdd<string>("q", D("b", 1), DotSet.Empty);
        s.Apply(concurrent);
        s.Apply(clear);
        Assert.Equal(["q"], s.Elements);
    }

    [Fact]
    public void Merge_add_wins_and_removed_stays_removed()
    {
        var s = new AwSet<string>();
        s.Apply(s.PrepareAdd("x", D("a", 1)));
        s.Apply(s.PrepareAdd("y", D("a", 2)));
        var l = s.Clone();
        l.Apply(l.PrepareRemove("x"));
        l.Apply(l.PrepareRemove("y"));
        var r = s.Clone();
        r.Apply(r.PrepareAdd("x", D("b", 1)));
        var m = l.Clone(); m.Merge(r);
        Assert.Equal(["x"], m.Elements);
        var round = AwSet<string>.FromParts(m.Entries, m.Context);
        Assert.True(round.Equals(m));
    }
}

public class RwSetTests
{
    [Fact]
    public void Concurrent_add_and_remove_remove_wins()
    {
        var a = new RwSet<string>();
        a.Apply(a.PrepareAdd("x", D("a", 1)));
        var b = a.Clone();
        var remove = a.PrepareRemove("x", D("a", 2));
        var add = b.PrepareAdd("x", D("b", 1));
        a.Apply(remove); a.Apply(add);
        b.Apply(add); b.Apply(remove);
        Assert.Empty(a.Elements);
        Assert.False(a.Contains("x"));
        Assert.True(a.Equals(b));
        Assert.True(a.HasDots);
    }

    [Fact]
    public void Add_after_remove_brings_it_back()
    {
        var s = new RwSet<string>();
        s.Apply(s.PrepareAdd("x", D("a", 1)));
        s.Apply(s.PrepareRemove("x", D("a", 2)));
        Assert.Empty(s.Elements);
        s.Apply(s.PrepareAdd("x", D("a", 3))); // observed the tombstone
        Assert.Equal(["x"], s.Elements);
        Assert.Equal([("x", DotSet.Create(D("a", 3)), DotSet.Empty)], s.Entries);
    }

    [Fact]
    public void Clear_drops_observed_adds_and_tombstones()
    {
        var s = new RwSet<string>();
        s.Apply(s.PrepareAdd("x", D("a", 1)));
        s.Apply(s.PrepareRemove("y", D("a", 2)));
        var other = s.Clone();
        var clear = s.PrepareClear();
        Assert.Equal(DotSet.Create(D("a", 1), D("a", 2)), clear.Observed);
        var concurrentRemove = other.PrepareRemove("z", D("b", 1));
        s.Apply(clear); s.Apply(concurrentRemove);
        other.Apply(concurrentRemove); other.Apply(clear);
        Assert.True(s.Equals(other));
        Assert.False(s.IsPresent);
        Assert.Equal(["z"], s.Entries.Select(e => e.Element));
        var round = RwSet<string>.FromParts(s.Entries, s.Context);
        Assert.True(round.Equals(s));
    }
}
