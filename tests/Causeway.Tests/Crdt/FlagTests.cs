using Causeway.Crdt;
using static Causeway.Tests.Crdt.T;

namespace Causeway.Tests.Crdt;

public class FlagTests
{
    [Fact]
    public void Ew_concurrent_enable_and_disable_enable_wins()
    {
        var a = new EwFlag();
        a.Apply(a.PrepareEnable(D("a", 1)));
        var b = a.Clone();
        var disable = a.PrepareDisable();
        var enable = b.PrepareEnable(D("b", 1)); // e.g. a touch concurrent with a delete
        a.Apply(disable); a.Apply(enable);
        b.Apply(enable); b.Apply(disable);
        Assert.True(a.Value);
        Assert.True(a.Equals(b));
        a.Apply(a.PrepareDisable());
        Assert.False(a.Value);
        Assert.False(a.IsPresent);
        var m = b.Clone(); m.Merge(a);
        Assert.True(m.Equals(a));
        Assert.True(EwFlag.FromParts(a.Dots, a.Context).Equals(a));
    }

    [Fact]
    public void Dw_concurrent_enable_and_disable_disable_wins()
    {
        var a = new DwFlag();
        a.Apply(a.PrepareEnable(D("a", 1)));
        var b = a.Clone();
        var disable = a.PrepareDisable(D("a", 2));
        var enable = b.PrepareEnable(D("b", 1));
        a.Apply(disable); a.Apply(enable);
        b.Apply(enable); b.Apply(disable);
        Assert.False(a.Value);
        Assert.True(a.Equals(b));
        a.Apply(a.PrepareEnable(D("a", 3))); // an enable after the disable wins
        Assert.True(a.Value);
        var m = b.Clone(); m.Merge(a);
        Assert.True(m.Equals(a));
        Assert.True(DwFlag.FromParts(a.Enables, a.Disables, a.Context).Equals(a));
    }

    [Fact]
    public void Dw_reset_drops_observed_dots_on_both_sides()
    {
        var f = new DwFlag();
        f.Apply(f.PrepareEnable(D("a", 1)));
        f.Apply(f.PrepareDisable(D("a", 2)));
        Assert.True(f.HasDots);
        f.Apply(f.PrepareReset());
        Assert.False(f.HasDots);
        Assert.False(f.Value);
    }
}
