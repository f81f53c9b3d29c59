using Causeway.Clocks;
using Causeway.Crdt;
using static Causeway.Tests.Crdt.T;

namespace Causeway.Tests.Crdt;

public class MvRegisterTests
{
    [Fact]
    public void Keeps_concurrent_values_ordered_by_dot_until_overwritten()
    {
        var a = new MvRegister<string>();
        var b = new MvRegister<string>();
        var opB = b.PrepareAssign(D("b", 1), "from b");
        var opA = a.PrepareAssign(D("a", 1), "from a");
        a.Apply(opA); b.Apply(opB);
        a.Apply(opB); b.Apply(opA);
        Assert.Equal(["from a", "from b"], a.Values);
        Assert.True(a.Equals(b));

        var over = a.PrepareAssign(D("a", 2), "resolved"); // observed both
        Assert.Equal(DotSet.Create(D("a", 1), D("b", 1)), over.Observed);
        a.Apply(over); b.Apply(over);
        Assert.Equal(["resolved"], b.Values);
        Assert.True(a.Equals(b));
    }

    [Fact]
    public void Clear_removes_only_what_was_observed()
    {
        var r = new MvRegister<string>();
        r.Apply(r.PrepareAssign(D("a", 1), "x"));
        var clear = r.PrepareClear();
        var concurrent = new MvAssign<string>(D("b", 1), "y", DotSet.Create(D("a", 1)));
        var r2 = r.Clone();
        r.Apply(clear); r.Apply(concurrent);
        r2.Apply(concurrent); r2.Apply(clear);
        Assert.Equal(["y"], r.Values);
        Assert.True(r.Equals(r2));

        r.Apply(r.PrepareClear());
        Assert.False(r.IsPresent);
    }

    [Fact]
    public void Merge_keeps_concurrent_and_drops_overwritten_entries()
    {
        var baseReg = new MvRegister<string>();
        baseReg.Apply(baseReg.PrepareAssign(D("a", 1), "v1"));
        var left = baseReg.Clone();
        left.Apply(left.PrepareAssign(D("a", 2), "left"));   // overwrites a:1
        var right = baseReg.Clone();
        right.Apply(right.PrepareAssign(D("b", 1), "right")); // overwrites a:1 concurrently
        var m = left.Clone(); m.Merge(right);
        Assert.Equal(["left", "right"], m.Values);
        Assert.Equal("{a:2, b:1}", m.Context.ToString());
        var m2 = right.Clone(); m2.Merge(left);
        Assert.True(m.Equals(m2));
        var stale = baseReg.Clone(); stale.Merge(m); // the stale a:1 is known overwritten
        Assert.True(stale.Equals(m));
    }

    [Fact]
    public void From_parts_round_trips()
    {
        var r = new MvRegister<string>();
        r.Apply(r.PrepareAssign(D("b", 1), "y"));
        r.Apply(new MvAssign<string>(D("a", 4), "x", DotSet.Empty));
        var copy = MvRegister<string>.FromParts(r.Entries.Reverse(), r.Context);
        Assert.True(copy.Equals(r));
        Assert.Throws<ArgumentException>(() => MvRegister<string>.FromParts([new(D("c", 1), "z")], r.Context));
    }
}
