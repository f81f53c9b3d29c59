using Causeway.Clocks;
using Causeway.Errors;

namespace Causeway.Tests.Clocks;

public class HybridLogicalClockTests
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(1);

    [Fact]
    public void Timestamp_packs_physical_high_and_logical_low()
    {
        var t = HlcTimestamp.FromParts(1_700_000_000_123, 7);
        Assert.Equal(1_700_000_000_123, t.Physical);
        Assert.Equal(7, t.Logical);
        Assert.Equal((1_700_000_000_123L << 16) | 7, t.Raw);
        Assert.Equal(t, HlcTimestamp.FromRaw(t.Raw));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), t.ToDateTimeOffset());
        Assert.Equal("2023-11-14T22:13:20.123Z+7", t.ToString());
    }

    [Fact]
    public void Timestamps_order_by_physical_then_logical_even_in_the_top_bit()
    {
        var a = HlcTimestamp.FromParts(5, 65535);
        var b = HlcTimestamp.FromParts(6, 0);
        var top = HlcTimestamp.FromParts(HlcTimestamp.MaxPhysical, 0);
        Assert.True(a < b);
        Assert.True(b < top);
        Assert.True(top.Raw < 0); // unsigned comparison matters
        Assert.Equal(HlcTimestamp.MaxPhysical, top.Physical);
        Assert.True(top < HlcTimestamp.MaxValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => HlcTimestamp.FromParts(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HlcTimestamp.FromParts(HlcTimestamp.MaxPhysical + 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HlcTimestamp.FromParts(0, 65536));
    }

    [Fact]
    public void Now_follows_physical_time_and_stays_monotonic_when_it_goes_back()
    {
        long pt = 1000;
        var clock = new HybridLogicalClock(() => pt, Skew);
        Assert.Equal(HlcTimestamp.FromParts(1000, 0), clock.Now());
        Assert.Equal(HlcTimestamp.FromParts(1000, 1), clock.Now());
        pt = 1005;
        Assert.Equal(HlcTimestamp.FromParts(1005, 0), clock.Now());
        pt = 900; // the physical clock jumps backwards
        var previous = clock.Last;
        for (int i = 0; i < 100; i++)
        {
            var t = clock.Now();
            Assert.True(t > previous);
            Assert.Equal(1005, t.Physical);
            previous = t;
        }
        pt = 1006;
        Assert.Equal(HlcTimestamp.FromParts(1006, 0), clock.Now());
    }

    [Fact]
    public void Observe_takes_the_max_of_local_remote_and_physical()
    {
        long pt = 1000;
        var clock = new HybridLogicalClock(() => pt, Skew);
        clock.Now(); // 1000.0
        // remote ahead (within skew): adopt its physical, logical + 1
        Assert.Equal(HlcTimestamp.FromParts(1500, 4), clock.Observe(HlcTimestamp.FromParts(1500, 3)));
        // remote equal physical: max logical + 1
        Assert.Equal(HlcTimestamp.FromParts(1500, 10), clock.Observe(HlcTimestamp.FromParts(1500, 9)));
        // remote behind: local logical + 1
        Assert.Equal(HlcTimestamp.FromParts(1500, 11), clock.Observe(HlcTimestamp.FromParts(1200, 50)));
        // physical ahead of both: logical resets
        pt = 2000;
        Assert.Equal(HlcTimestamp.FromParts(2000, 0), clock.Observe(HlcTimestamp.FromParts(1999, 50)));
        // a send after a receive is later than the receive
        Assert.True(clock.Now() > HlcTimestamp.FromParts(2000, 0));
    }

    [Fact]
    public void Observe_rejects_a_remote_beyond_the_skew_bound_and_leaves_the_clock_unchanged()
    {
        long pt = 10_000;
        var clock = new HybridLogicalClock(() => pt, Skew);
        var before = clock.Now();
        var ex = Assert.Throws<ClockSkewException>(() => clock.Observe(HlcTimestamp.FromParts(11_001, 0)));
        Assert.Equal(ErrorCodes.ClockSkew, ex.Code);
        Assert.Contains("1001 ms", ex.Message);
        Assert.Contains("1000 ms", ex.Message);
        Assert.Equal(before, clock.Last);
        // exactly at the bound is accepted
        Assert.Equal(HlcTimestamp.FromParts(11_000, 1), clock.Observe(HlcTimestamp.FromParts(11_000, 0)));
    }

    [Fact]
    public void Logical_overflow_carries_into_physical()
    {
        long pt = 5000;
        var clock = new HybridLogicalClock(() => pt, Skew, HlcTimestamp.FromParts(5000, HlcTimestamp.MaxLogical - 1));
        Assert.Equal(HlcTimestamp.FromParts(5000, HlcTimestamp.MaxLogical), clock.Now());
        Assert.Equal(HlcTimestamp.FromParts(5001, 0), clock.Now());
        Assert.Equal(HlcTimestamp.FromParts(5001, 1), clock.Now());
        // the same through Observe
        Assert.Equal(HlcTimestamp.FromParts(5002, 0), clock.Observe(HlcTimestamp.FromParts(5001, HlcTimestamp.MaxLogical)));
    }

    [Fact]
    public void Resumes_after_a_persisted_reading()
    {
        var clock = new HybridLogicalClock(() => 100, Skew, HlcTimestamp.FromParts(200, 3));
        Assert.Equal(HlcTimestamp.FromParts(200, 4), clock.Now());
    }

    [Fact]
    public void Now_is_strictly_increasing_across_threads()
    {
        long pt = 0;
        var clock = new HybridLogicalClock(() => Interlocked.Read(ref pt) / 64, Skew);
        var results = new HlcTimestamp[4][];
        Parallel.For(0, 4, t =>
        {
            var mine = new HlcTimestamp[5000];
            for (int i = 0; i < mine.Length; i++)
            {
                Interlocked.Increment(ref pt);
                mine[i] = clock.Now();
            }
            results[t] = mine;
        });
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var r in results)
            for (int i = 1; i < r.Length; i++) Assert.True(r[i] > r[i - 1]);
    }
}
