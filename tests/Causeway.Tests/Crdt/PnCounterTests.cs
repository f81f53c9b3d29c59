using Causeway.Crdt;
using Causeway.Errors;

namespace Causeway.Tests.Crdt;

public class PnCounterTests
{
    [Fact]
    public void Increments_and_decrements_per_replica()
    {
        var c = new PnCounter();
        Assert.False(c.IsPresent);
        c.Apply(c.PrepareIncrement("a", 5));
        c.Apply(c.PrepareIncrement("b", -2));
        c.Apply(c.PrepareIncrement("a", -1));
        Assert.Equal(2, c.Value);
        Assert.True(c.IsPresent);
        Assert.Equal([new ReplicaTotals("a", 5, 1), new ReplicaTotals("b", 0, 2)], c.Totals);
    }

    [Fact]
    public void Reset_keeps_concurrent_increments()
    {
        var a = new PnCounter();
        a.Apply(a.PrepareIncrement("a", 10));
        var b = a.Clone();
        var reset = a.PrepareReset();           // a resets what it saw (10)
        var inc = b.PrepareIncrement("b", 3);   // b increments concurrently
        a.Apply(reset); a.Apply(inc);
        b.Apply(inc); b.Apply(reset);
        Assert.Equal(3, a.Value);
        Assert.True(a.IsPresent);
        Assert.True(a.Equals(b));

        a.Apply(a.PrepareReset());
        Assert.Equal(0, a.Value);
        Assert.False(a.IsPresent);
        a.Apply(a.PrepareIncrement("a", -4)); // after a reset, counting starts again from 0
        Assert.Equal(-4, a.Value);
    }

    [Fact]
    public void Overflow_is_rejected_when_preparing()
    {
        var c = new PnCounter();
        c.Apply(c.PrepareIncrement("a", long.MaxValue));
        var ex = Assert.Throws<InvalidInputException>(() => c.PrepareIncrement("a", 1));
        Assert.Equal(ErrorCodes.InvalidValue, ex.Code);
        Assert.Throws<InvalidInputException>(() => c.PrepareIncrement("b", 1)); // the value would overflow
        Assert.Throws<InvalidInputException>(() => new PnCounter().PrepareIncrement("a", long.MinValue));
        c.Apply(c.PrepareIncrement("a", -5));
        Assert.Equal(long.MaxValue - 5, c.Value);

        var d = new PnCounter();
        d.Apply(d.PrepareIncrement("a", -long.MaxValue));
        d.Apply(d.PrepareIncrement("b", -1));
        Assert.Equal(long.MinValue, d.Value);
        Assert.Throws<InvalidInputException>(() => d.PrepareIncrement("b", -1));
        // totals overflow even though the value would fit
        var e = new PnCounter();
        e.Apply(e.PrepareIncrement("a", long.MaxValue));
        e.Apply(e.PrepareIncrement("a", -long.MaxValue));
        Assert.Throws<InvalidInputException>(() => e.PrepareIncrement("a", 1));
    }

    [Fact]
    public void Concurrent_increments_past_the_range_clamp_on_read()
    {
        var a = new PnCounter();
        a.Apply(new CounterIncrement("a", long.MaxValue));
        a.Apply(new CounterIncrement("b", long.MaxValue));
        Assert.Equal(long.MaxValue, a.Value);
        Assert.Equal((Int128)long.MaxValue * 2, a.ExactValue);
    }

    [Fact]
    public void Merge_is_pointwise_max()
    {
        var a = new PnCounter();
        a.Apply(new CounterIncrement("a", 3));
        var b = a.Clone();
        a.Apply(new CounterIncrement("a", 2));
        b.Apply(new CounterIncrement("b", -7));
        b.Apply(b.PrepareReset());
        var ab = a.Clone(); ab.Merge(b);
        var ba = b.Clone(); ba.Merge(a);
        Assert.True(ab.Equals(ba));
        Assert.Equal(2, ab.Value); // a's later +2 was not seen by b's reset
        var round = PnCounter.FromParts(ab.Totals, ab.ResetBase);
        Assert.True(round.Equals(ab));
    }
}
