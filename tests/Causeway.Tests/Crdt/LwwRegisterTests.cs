using Causeway.Crdt;
using static Causeway.Tests.Crdt.T;

namespace Causeway.Tests.Crdt;

public class LwwRegisterTests
{
    [Fact]
    public void Greatest_stamp_wins_in_any_order()
    {
        var early = new LwwAssign<string>(S(100, "b"), "early");
        var late = new LwwAssign<string>(S(200, "a"), "late");
        var r1 = new LwwRegister<string>();
        r1.Apply(early); r1.Apply(late);
        var r2 = new LwwRegister<string>();
        r2.Apply(late); r2.Apply(early);
        Assert.Equal("late", r1.Value);
        Assert.True(r1.Equals(r2));
    }

    [Fact]
    public void Ties_break_by_hlc_logical_then_replica_ordinal_then_index()
    {
        Assert.True(S(100, "z", logical: 0) < S(100, "a", logical: 1));
        Assert.True(S(100, "B") < S(100, "a")); // ordinal: 'B' (0x42) < 'a' (0x61)
        Assert.True(S(100, "a", index: 1) < S(100, "a", index: 2));

        var r = new LwwRegister<string>();
        r.Apply(new LwwAssign<string>(S(100, "b", index: 0), "b0"));
        r.Apply(new LwwAssign<string>(S(100, "a", index: 5), "a5"));
        Assert.Equal("b0", r.Value);
        r.Apply(new LwwAssign<string>(S(100, "b", index: 1), "b1")); // second write of the same commit
        Assert.Equal("b1", r.Value);
    }

    [Fact]
    public void Clear_is_a_write_of_absence()
    {
        var r = new LwwRegister<string>();
        r.Apply(r.PrepareAssign(S(100, "a"), "x"));
        r.Apply(r.PrepareClear(S(200, "b")));
        Assert.False(r.IsPresent);
        Assert.Null(r.Value);
        Assert.True(r.IsWritten);
        r.Apply(new LwwAssign<string>(S(150, "c"), "older")); // an older concurrent write loses
        Assert.False(r.IsPresent);
        r.Apply(new LwwAssign<string>(S(300, "c"), "newer"));
        Assert.Equal("newer", r.Value);
    }

    [Fact]
    public void Merge_is_max_by_stamp_and_equal_stamps_resolve_deterministically()
    {
        var a = new LwwRegister<string>();
        a.Apply(new LwwAssign<string>(S(100, "a"), "a"));
        var b = new LwwRegister<string>();
        b.Apply(new LwwAssign<string>(S(100, "b"), "b"));
        var ab = a.Clone(); ab.Merge(b);
        var ba = b.Clone(); ba.Merge(a);
        Assert.Equal("b", ab.Value);
        Assert.True(ab.Equals(ba));

        // a reused stamp (caller error) still converges: present beats absent, then greater value
        var x = LwwRegister<string>.FromParts(S(1, "r"), true, "x");
        var y = LwwRegister<string>.FromParts(S(1, "r"), true, "y");
        var z = LwwRegister<string>.FromParts(S(1, "r"), false, null);
        var xy = x.Clone(); xy.Merge(y); xy.Merge(z);
        var zy = z.Clone(); zy.Merge(y); zy.Merge(x);
        Assert.Equal("y", xy.Value);
        Assert.True(xy.Equals(zy));
    }

    [Fact]
    public void Wrong_op_is_rejected()
    {
        var ex = Assert.Throws<Causeway.Errors.InvalidInputException>(() => new LwwRegister<string>().Apply(new MvClear(DotSet.Empty)));
        Assert.Equal("invalid_op", ex.Code);
    }
}
