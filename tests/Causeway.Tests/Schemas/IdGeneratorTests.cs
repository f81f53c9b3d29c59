using System.Globalization;
using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Schemas;
using CsCheck;

namespace Causeway.Tests.Schemas;

public class IdGeneratorTests
{
    // The did:key spec's Ed25519 example, and a second DID; the tags only hash the text.
    private const string DidA = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    private const string DidB = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    private const long Ms = 1_700_000_000_123; // 0x018bcfe5687b

    private static void NoRandom(Span<byte> bytes) => bytes.Clear();

    /// <summary>The 128 bits of UUID text, decoded independently of UuidIds.TryParse.</summary>
    private static UInt128 Bits(string uuid) => UInt128.Parse(uuid.Replace("-", ""), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    // ---- ReplicaTag

    [Fact]
    public void Replica_tag_is_the_first_four_bytes_of_the_sha256_of_the_did()
    {
        // printf '%s' "$DID" | sha256sum → ad90ec18fd5e…
        Assert.Equal(0xad90ec18u, ReplicaTag.Of(DidA).Value);
        Assert.Equal("ad90ec18", ReplicaTag.Of(DidA).ToString());
        Assert.Equal("8551f404", ReplicaTag.Of(DidB).ToString());
        Assert.Equal("00000abc", new ReplicaTag(0xabc).ToString()); // fixed width, so tags line up in ids
        Assert.Throws<ArgumentException>(() => ReplicaTag.Of(""));
    }

    // ---- UuidIds

    [Fact]
    public void Uuid_has_the_documented_bit_layout()
    {
        var ids = new UuidIds(DidA, () => Ms, NoRandom);
        // 48-bit ms, version 7, counter 0 then 1; variant 10, tag ad90ec18 shifted into rand_b, zero random.
        Assert.Equal("018bcfe5-687b-7000-ab64-3b0600000000", ids.Next());
        Assert.Equal("018bcfe5-687b-7001-ab64-3b0600000000", ids.Next());

        var allOnes = new UuidIds(DidA, () => Ms, bytes => bytes.Fill(0xFF));
        Assert.Equal("018bcfe5-687b-7000-ab64-3b063fffffff", allOnes.Next()); // only 30 random bits are used
    }

    [Fact]
    public void Plain_uuid_is_a_version_7_uuid_of_the_given_time_and_random_bits()
    {
        // What a create with no id makes where the caller names ids: no tag, no counter.
        Assert.Equal("018bcfe5-687b-7000-8000-000000000000", UuidIds.Plain(Ms, NoRandom));
        string ones = UuidIds.Plain(Ms, bytes => bytes.Fill(0xFF));
        Assert.Equal("018bcfe5-687b-7fff-bfff-ffffffffffff", ones); // 12 + 62 random bits
        var guid = Guid.Parse(ones);
        Assert.Equal(7, guid.Version);
        Assert.Equal(Ms, guid.ToByteArray(bigEndian: true).AsSpan(0, 6).ToArray().Aggregate(0L, (ms, b) => ms << 8 | b));
        Assert.Throws<InvalidOperationException>(() => UuidIds.Plain(-1, NoRandom));
    }

    [Fact]
    public void Uuid_text_is_a_valid_version_7_uuid_carrying_time_and_tag()
    {
        var ids = new UuidIds(DidA, () => Ms, new Random(1).NextBytes);
        uint tag = ReplicaTag.Of(DidA).Value;
        for (int i = 0; i < 1000; i++)
        {
            string id = ids.Next();
            var guid = Guid.Parse(id);
            Assert.Equal(id, guid.ToString("D")); // canonical lower-case 8-4-4-4-12
            Assert.Equal(7, guid.Version);
            UInt128 bits = Bits(id);
            Assert.Equal((ulong)Ms, (ulong)(bits >> 80));
            Assert.Equal(0b10u, (uint)(bits >> 62) & 0b11);
            Assert.Equal(tag, (uint)(bits >> 30));
            Assert.Equal(id, Names.DocumentId(id));

            Assert.True(UuidIds.TryParse(id, out var time, out uint parsedTag));
            Assert.Equal(Ms, time.ToUnixTimeMilliseconds());
            Assert.Equal(tag, parsedTag);
        }
    }

    [Fact]
    public void Uuids_strictly_increase_within_one_millisecond_borrowing_the_next_when_the_counter_is_spent()
    {
        var ids = new UuidIds(DidA, () => Ms, new Random(2).NextBytes);
        string previous = "";
        for (int i = 0; i < 100_000; i++)
        {
            string id = ids.Next();
            // Asserted only on failure: 100k Assert calls would dominate the run.
            if (string.CompareOrdinal(previous, id) >= 0) Assert.Fail($"id {i} '{id}' does not sort after '{previous}'");
            UInt128 bits = Bits(id);
            long millis = (long)(bits >> 80);
            int counter = (int)(bits >> 64) & 0xFFF;
            if (millis != Ms + i / 4096 || counter != i % 4096) Assert.Fail($"id {i} has time {millis} and counter {counter}");
            previous = id;
        }
    }

    [Fact]
    public void Uuids_keep_increasing_when_the_clock_goes_back()
    {
        var readings = new Queue<long>([Ms, Ms - 1000, Ms - 1, Ms + 5]);
        var ids = new UuidIds(DidA, readings.Dequeue, NoRandom);
        string[] made = [ids.Next(), ids.Next(), ids.Next(), ids.Next()];
        Assert.Equal(made.Order(StringComparer.Ordinal), made);
        Assert.Equal(4, made.Distinct().Count());
        Assert.True(UuidIds.TryParse(made[2], out var held, out _));
        Assert.Equal(Ms, held.ToUnixTimeMilliseconds()); // a clock behind the last id is not followed back
        Assert.True(UuidIds.TryParse(made[3], out var caughtUp, out _));
        Assert.Equal(Ms + 5, caughtUp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Two_replicas_with_the_same_clock_and_the_same_random_never_collide()
    {
        long now = Ms;
        var a = new UuidIds(DidA, () => now, new Random(7).NextBytes);
        var b = new UuidIds(DidB, () => now, new Random(7).NextBytes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        UInt128 tagDifference = (UInt128)(ReplicaTag.Of(DidA).Value ^ ReplicaTag.Of(DidB).Value) << 30;
        for (int i = 0; i < 20_000; i++)
        {
            if (i % 3 == 0) now++;
            string fromA = a.Next(), fromB = b.Next();
            // Identical but for the tag: the tag alone keeps them apart.
            if ((Bits(fromA) ^ Bits(fromB)) != tagDifference) Assert.Fail($"'{fromA}' and '{fromB}' differ beyond the tag");
            if (!seen.Add(fromA) || !seen.Add(fromB)) Assert.Fail($"collision at {i}");
        }
        Assert.Equal(40_000, seen.Count);
    }

    [Fact]
    public void Uuids_from_many_threads_are_distinct()
    {
        // No randomness and one millisecond: only the locked counter separates the ids.
        var ids = new UuidIds(DidA, () => Ms, NoRandom);
        var made = new string[4][];
        Parallel.For(0, 4, t => made[t] = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToArray());
        Assert.Equal(40_000, made.SelectMany(m => m).Distinct().Count());
    }

    [Fact]
    public void Uuid_clock_outside_48_bits_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new UuidIds(DidA, () => -1).Next());
        Assert.Throws<InvalidOperationException>(() => new UuidIds(DidA, () => UuidIds.MaxMillis + 1).Next());
    }

    [Fact]
    public void Uuid_defaults_use_the_system_clock()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string id = new UuidIds(DidA).Next();
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(UuidIds.TryParse(id, out var time, out _));
        Assert.InRange(time.ToUnixTimeMilliseconds(), before, after);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("018BCFE5-687B-7000-AB64-3B0600000000")] // upper case is not our spelling
    [InlineData("018bcfe5687b7000ab643b0600000000")]     // no dashes
    [InlineData("018bcfe5-687b-7000-ab64-3b06000000000")] // one digit too many
    [InlineData("018bcfe5-687b-4000-ab64-3b0600000000")]  // version 4
    [InlineData("018bcfe5-687b-7000-cb64-3b0600000000")]  // variant 11
    [InlineData("018bcfe5-687b-7000-ab64-3b060000000g")]  // not hex
    [InlineData("ffffffff-ffff-7000-ab64-3b0600000000")]  // past year 9999
    public void Uuid_parse_rejects_other_text(string? text) =>
        Assert.False(UuidIds.TryParse(text, out _, out _));

    // ---- OrderedIds

    private static readonly Gen<(ulong Time, uint Tag, int Index)> OrderedParts = Gen.Select(
        Gen.OneOf(Gen.ULong, Gen.ULong[0, 3]), // small ranges too, so ties in earlier parts occur
        Gen.OneOf(Gen.UInt, Gen.UInt[0, 3]),
        Gen.OneOf(Gen.Int[0, OrderedIds.MaxIndex], Gen.Int[0, 3]));

    private static string Ordered((ulong Time, uint Tag, int Index) p) =>
        OrderedIds.For(HlcTimestamp.FromRaw((long)p.Time), new ReplicaTag(p.Tag), p.Index);

    [Fact]
    public void Ordered_id_has_the_documented_format()
    {
        string id = OrderedIds.For(HlcTimestamp.FromParts(Ms, 1), DidA, 2);
        Assert.Equal("018bcfe5687b0001-ad90ec18-0002", id);
        Assert.Equal(OrderedIds.Length, id.Length);
        Assert.Equal(id, Names.DocumentId(id));
        Assert.Equal("ffffffffffffffff-00000000-ffff", OrderedIds.For(HlcTimestamp.MaxValue, new ReplicaTag(0), OrderedIds.MaxIndex));
    }

    [Fact]
    public void Ordered_ids_sort_like_their_time_tag_index_tuples() =>
        Gen.Select(OrderedParts, OrderedParts).Sample(pair =>
            Math.Sign(string.CompareOrdinal(Ordered(pair.Item1), Ordered(pair.Item2))) == Math.Sign(pair.Item1.CompareTo(pair.Item2)),
            iter: 20_000);

    [Fact]
    public void Ordered_ids_parse_back_and_are_document_ids() =>
        OrderedParts.Sample(p =>
        {
            string id = Ordered(p);
            Assert.Equal(id, Names.DocumentId(id));
            Assert.True(OrderedIds.TryParse(id, out var time, out uint tag, out int index));
            Assert.Equal((p.Time, p.Tag, p.Index), ((ulong)time.Raw, tag, index));
        });

    [Fact]
    public void Ordered_ids_of_a_causally_later_commit_sort_later_even_from_a_slower_clock()
    {
        var a = new HybridLogicalClock(() => Ms, TimeSpan.FromMinutes(1));
        var b = new HybridLogicalClock(() => Ms - 10_000, TimeSpan.FromMinutes(1)); // 10 s behind
        HlcTimestamp first = a.Now();
        string earlier = OrderedIds.For(first, DidA, OrderedIds.MaxIndex);
        b.Observe(first); // B syncs A's commit, then commits
        string later = OrderedIds.For(b.Now(), DidB, 0);
        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} should sort before {later}");
    }

    [Fact]
    public void Ordered_index_must_fit_16_bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderedIds.For(HlcTimestamp.Zero, DidA, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderedIds.For(HlcTimestamp.Zero, DidA, OrderedIds.MaxIndex + 1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("018BCFE5687B0001-AD90EC18-0002")]
    [InlineData("018bcfe5687b0001ad90ec180002")]
    [InlineData("018bcfe5687b001-ad90ec18-00002")]
    [InlineData("018bcfe5687b0001-ad90ec18-0002-")]
    [InlineData("018bcfe5687b0001-ad90ec18-000x")]
    public void Ordered_parse_rejects_other_text(string? text) =>
        Assert.False(OrderedIds.TryParse(text, out _, out _, out _));

    // ---- SequenceBlocks and SequenceAllocator

    [Fact]
    public void Sequence_numbers_stay_in_granted_blocks_ascending_and_unique_whatever_the_grant_order() =>
        Gen.Select(Gen.Int[1, 20].Array[1, 25], Gen.Int).Sample((sizes, seed) =>
        {
            var random = new Random(seed);
            var allocator = new SequenceAllocator();
            var grants = sizes.Select(s => allocator.Allocate(s)).ToArray();
            random.Shuffle(grants);
            var blocks = new SequenceBlocks();
            var granted = new List<(long Start, long Size)>();
            long previous = 0;
            void Take(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    long remaining = blocks.Remaining;
                    if (!blocks.TryNext(out long n)) { Assert.Equal(0, remaining); return; }
                    Assert.Contains(granted, g => n >= g.Start && n < g.Start + g.Size);
                    Assert.True(n > previous, $"{n} after {previous}"); // ascending, so never twice
                    Assert.Equal(remaining - 1, blocks.Remaining);
                    previous = n;
                }
            }
            foreach (var grant in grants)
            {
                blocks.Grant(grant.Start, grant.Size);
                if (random.Next(3) == 0) blocks.Grant(grant.Start, grant.Size); // a repeated grant
                granted.Add(grant);
                Take(random.Next(0, 15));
            }
            Take(int.MaxValue);
            Assert.False(blocks.TryNext(out _));
            Assert.Equal(0, blocks.Remaining);
        });

    [Fact]
    public void Sequence_blocks_granted_in_order_give_dense_numbers()
    {
        var allocator = new SequenceAllocator();
        var blocks = new SequenceBlocks();
        foreach (int size in new[] { 3, 5, 2 })
        {
            var (start, granted) = allocator.Allocate(size);
            blocks.Grant(start, granted);
        }
        var numbers = new List<long>();
        while (numbers.Count <= 10 && blocks.TryNext(out long n)) numbers.Add(n); // bounded: a repeat must fail, not hang
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), numbers);
        Assert.Equal(10, blocks.HighestUsed);
    }

    [Fact]
    public void Sequence_repeated_and_overlapping_grants_change_nothing()
    {
        var blocks = new SequenceBlocks();
        blocks.Grant(1, 10);
        blocks.Grant(1, 10);
        blocks.Grant(4, 3);
        Assert.Equal(10, blocks.Remaining);
        Assert.Equal(new[] { (1L, 10L) }, blocks.Blocks);
        blocks.Grant(21, 5);
        blocks.Grant(11, 10); // fills the gap: the granted set is the union
        Assert.Equal(new[] { (1L, 25L) }, blocks.Blocks);
    }

    [Fact]
    public void Sequence_marked_use_restores_the_position_after_a_restart()
    {
        var blocks = new SequenceBlocks();
        blocks.Grant(1, 10);
        blocks.Grant(21, 10);
        blocks.MarkUsed(5);
        blocks.MarkUsed(3); // lower marks do not move it back
        Assert.Equal(15, blocks.Remaining); // 6..10 and 21..30
        Assert.True(blocks.TryNext(out long n));
        Assert.Equal(6, n);
        blocks.MarkUsed(23);
        Assert.Equal(7, blocks.Remaining); // 24..30
        Assert.True(blocks.TryNext(out n));
        Assert.Equal(24, n);
    }

    [Fact]
    public void Sequence_block_granted_below_used_numbers_is_skipped_up_to_them()
    {
        var blocks = new SequenceBlocks();
        blocks.Grant(11, 10);
        Assert.True(blocks.TryNext(out long n));
        Assert.Equal(11, n);
        blocks.Grant(1, 10); // arrived late: giving 1 now would break ascending order
        Assert.Equal(9, blocks.Remaining);
        Assert.True(blocks.TryNext(out n));
        Assert.Equal(12, n);
    }

    [Fact]
    public void Sequence_without_blocks_gives_nothing_and_refuses_bad_grants()
    {
        var blocks = new SequenceBlocks();
        Assert.False(blocks.TryNext(out _));
        Assert.Equal(0, blocks.Remaining);
        Assert.Throws<ArgumentOutOfRangeException>(() => blocks.Grant(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocks.Grant(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => blocks.Grant(long.MaxValue, 1)); // would end past long.MaxValue
        blocks.Grant(long.MaxValue - 1, 1);
        blocks.MarkUsed(long.MaxValue); // no overflow in the bookkeeping
        Assert.False(blocks.TryNext(out _));
    }

    [Fact]
    public void Allocator_blocks_are_consecutive_from_1_and_never_overlap() =>
        Gen.Int[1, 1000].Array[1, 50].Sample(sizes =>
        {
            var allocator = new SequenceAllocator();
            var made = sizes.Select(s => allocator.Allocate(s)).ToArray();
            Assert.Equal(1, made[0].Start);
            for (int i = 1; i < made.Length; i++)
                Assert.Equal(made[i - 1].Start + made[i - 1].Size, made[i].Start); // touching, so no overlap and no gap
            Assert.Equal(sizes.Select(s => (long)s), made.Select(m => m.Size));
            Assert.Equal(1 + sizes.Sum(s => (long)s), allocator.NextBlockStart);
        });

    [Fact]
    public void Allocator_resumes_and_refuses_to_pass_the_largest_number()
    {
        Assert.Equal((500L, 10L), new SequenceAllocator(500).Allocate(10));
        var nearEnd = new SequenceAllocator(long.MaxValue - 10);
        Assert.Throws<InvalidOperationException>(() => nearEnd.Allocate(11));
        Assert.Equal((long.MaxValue - 10, 10L), nearEnd.Allocate(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => nearEnd.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceAllocator(0));
    }
}
