using Causeway.Models;
using CsCheck;
using Collection = Causeway.Models.CollectionAttribute;

namespace Causeway.Tests.Typed;

public enum CrateKind { Box, Barrel, Pallet }

/// <summary>A member of every kind change tracking knows.</summary>
[Collection("crates")]
public sealed class Crate
{
    public string? Id { get; set; }
    public long Serial { get; set; }
    public string? Label { get; set; }
    public int Small { get; set; }
    public long? Maybe { get; set; }
    public double Weight { get; set; }
    public decimal Price { get; set; }
    public bool Fragile { get; set; }
    public DateTimeOffset Packed { get; set; }
    public Guid Key { get; set; }
    public byte[]? Seal { get; set; }
    public CrateKind Kind { get; set; }
    public Ref<Player>? Owner { get; set; }

    [MvReg]
    public string? Mark { get; set; }

    public Address? Origin { get; set; }
    public List<string> Notes { get; set; } = [];
    public long[] Sizes { get; set; } = [];
    public Dictionary<string, long> Counts { get; set; } = [];
    public Counter Moves { get; set; } = new();

    [Bounds(Min = -1000, Max = 1000)]
    public BoundedCounter Stock { get; set; } = new();

    public AwSet<string> Tags { get; set; } = new();
    public RwSet<long> Bins { get; set; } = new();
    public Flag Open { get; set; } = new();

    [DisableWins]
    public Flag Shut { get; set; } = new();
}

/// <summary>A tracked object loaded by id or by a query (which compares with the stored document
/// only on save): whatever is changed among its members, of every kind, is exactly what the save
/// writes, by stored field, and reads back as changed; when nothing changed (setting a value equal
/// to the loaded one included), nothing is written.</summary>
public sealed class TrackedChangePropertyTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Crate), typeof(Player));

    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <summary>The plain members: stored name, and the values the samples pick from (few, so a
    /// change to an equal value is frequent).</summary>
    private static readonly (string Name, object?[] Values, Func<Crate, object?> Get, Action<Crate, object?> Set)[] Plain =
    [
        ("label", [null, "", "a", "b"], c => c.Label, (c, v) => c.Label = (string?)v),
        ("small", [0, 1, -2], c => c.Small, (c, v) => c.Small = (int)v!),
        ("maybe", [null, 0L, 7L], c => c.Maybe, (c, v) => c.Maybe = (long?)v),
        ("weight", [0.0, 1.5, 2.0], c => c.Weight, (c, v) => c.Weight = (double)v!),
        ("price", [0m, 1.5m, 2.25m], c => c.Price, (c, v) => c.Price = (decimal)v!),
        ("fragile", [false, true], c => c.Fragile, (c, v) => c.Fragile = (bool)v!),
        ("packed", [Epoch, Epoch.AddSeconds(1), Epoch.AddMilliseconds(1.5)], c => c.Packed, (c, v) => c.Packed = (DateTimeOffset)v!),
        ("key", [Guid.Empty, new Guid("6f9619ff-8b86-d011-b42d-00cf4fc964ff")], c => c.Key, (c, v) => c.Key = (Guid)v!),
        ("seal", [null, new byte[] { 1 }, new byte[] { 1, 2 }], c => c.Seal, (c, v) => c.Seal = ((byte[]?)v)?.ToArray()),
        ("kind", [CrateKind.Box, CrateKind.Barrel, CrateKind.Pallet], c => c.Kind, (c, v) => c.Kind = (CrateKind)v!),
        ("owner", [null, "ann", "bob"], c => c.Owner?.Id, (c, v) => c.Owner = v is string id ? new Ref<Player>(id) : null),
        ("mark", [null, "x", "y"], c => c.Mark, (c, v) => c.Mark = (string?)v),
        ("origin", [null, ("Oslo", (string?)null), ("Oslo", "0150"), ("Bergen", "5003")],
            c => c.Origin is { } a ? (a.City, a.Zip) : null,
            (c, v) => c.Origin = v is ValueTuple<string, string?> place ? new Address { City = place.Item1, Zip = place.Item2 } : null),
        ("notes", [new string[0], new[] { "a" }, new[] { "a", "b" }, new[] { "b", "a" }], c => c.Notes, (c, v) => c.Notes = [.. (string[])v!]),
        ("sizes", [new long[0], new[] { 1L }, new[] { 1L, 2L }], c => c.Sizes, (c, v) => c.Sizes = [.. (long[])v!]),
        ("counts", [new (string, long)[0], new[] { ("a", 1L) }, new[] { ("a", 1L), ("b", 2L) }, new[] { ("a", 2L) }],
            c => c.Counts.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value)).ToArray(),
            (c, v) => c.Counts = ((ValueTuple<string, long>[])v!).ToDictionary(e => e.Item1, e => e.Item2)),
    ];

    private static readonly long[] Amounts = [0, 1, 3, -2];
    private static readonly string[][] TagSets = [[], ["a"], ["a", "b"]];
    private static readonly long[][] BinSets = [[], [1], [1, 2]];

    /// <summary>One object's members as picks: an index into each plain member's values, then the
    /// counters' amounts, the sets' elements and the flags.</summary>
    private sealed record Picks(int[] Plain, int Moves, int Stock, int Tags, int Bins, bool Open, bool Shut);

    /// <summary>What a sample does to the loaded object: its new picks, which members it touches, and
    /// for each set an element added (true) or removed (false).</summary>
    private sealed record Edit(Picks To, bool[] Touch, (bool Add, int Element) Tag, (bool Add, int Element) Bin);

    private static readonly Gen<Picks> AnyPicks =
        Gen.Select(Gen.Int[0, 3].Array[Plain.Length], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Bool, Gen.Bool)
            .Select(p => new Picks(p.Item1, p.Item2, p.Item3, p.Item4, p.Item5, p.Item6, p.Item7));

    private static readonly Gen<Edit> AnyEdit =
        Gen.Select(AnyPicks, Gen.Int[0, 2], Gen.Bool.Array[Plain.Length + 6], Gen.Select(Gen.Bool, Gen.Int[0, 2]), Gen.Select(Gen.Bool, Gen.Int[0, 2]))
            // Nothing touched at all in about a third of the samples.
            .Select(e => new Edit(e.Item1, e.Item2 == 0 ? new bool[Plain.Length + 6] : e.Item3, e.Item4, e.Item5));

    private static object? Value(int member, int pick) => Plain[member].Values[pick % Plain[member].Values.Length];

    private static Crate Make(string id, long serial, Picks picks)
    {
        var crate = new Crate { Id = id, Serial = serial, Moves = new Counter(Amounts[picks.Moves]), Stock = new BoundedCounter(Amounts[picks.Stock]) };
        for (int i = 0; i < Plain.Length; i++) Plain[i].Set(crate, Value(i, picks.Plain[i]));
        foreach (var tag in TagSets[picks.Tags]) crate.Tags.Add(tag);
        foreach (var bin in BinSets[picks.Bins]) crate.Bins.Add(bin);
        if (picks.Open) crate.Open.Enable();
        if (picks.Shut) crate.Shut.Enable();
        return crate;
    }

    /// <summary>Applies the touched parts of <paramref name="edit"/>; answers the stored names of the
    /// members whose value it changed.</summary>
    private static SortedSet<string> Apply(Crate crate, Edit edit)
    {
        var changed = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Plain.Length; i++)
        {
            if (!edit.Touch[i]) continue;
            var before = Plain[i].Get(crate);
            Plain[i].Set(crate, Value(i, edit.To.Plain[i]));
            if (!Same(before, Plain[i].Get(crate))) changed.Add(Plain[i].Name);
        }
        int next = Plain.Length;
        if (edit.Touch[next++] && Amounts[edit.To.Moves] != 0)
        {
            crate.Moves.Increment(Amounts[edit.To.Moves]);
            changed.Add("moves");
        }
        if (edit.Touch[next++] && Amounts[edit.To.Stock] != 0)
        {
            crate.Stock.Increment(Amounts[edit.To.Stock]);
            changed.Add("stock");
        }
        string tag = "abc"[edit.Tag.Element].ToString();
        if (edit.Touch[next++] && (edit.Tag.Add ? crate.Tags.Add(tag) : crate.Tags.Remove(tag))) changed.Add("tags");
        long bin = edit.Bin.Element + 1;
        if (edit.Touch[next++] && (edit.Bin.Add ? crate.Bins.Add(bin) : crate.Bins.Remove(bin))) changed.Add("bins");
        if (edit.Touch[next++] && crate.Open.IsEnabled != edit.To.Open)
        {
            if (edit.To.Open) crate.Open.Enable(); else crate.Open.Disable();
            changed.Add("open");
        }
        if (edit.Touch[next] && crate.Shut.IsEnabled != edit.To.Shut)
        {
            if (edit.To.Shut) crate.Shut.Enable(); else crate.Shut.Disable();
            changed.Add("shut");
        }
        return changed;
    }

    // Lists, arrays and the counts' entries compare by their elements.
    private static bool Same(object? a, object? b)
    {
        if (a is System.Collections.IEnumerable x && a is not string && b is System.Collections.IEnumerable y)
            return x.Cast<object?>().SequenceEqual(y.Cast<object?>());
        return Equals(a, b);
    }

    private static void AssertSameState(Crate expected, Crate actual)
    {
        for (int i = 0; i < Plain.Length; i++)
            Assert.True(Same(Plain[i].Get(expected), Plain[i].Get(actual)), $"{Plain[i].Name}: {Plain[i].Get(expected)} != {Plain[i].Get(actual)}");
        Assert.Equal(expected.Moves.Value, actual.Moves.Value);
        Assert.Equal(expected.Stock.Value, actual.Stock.Value);
        Assert.Equal(expected.Tags.Order(StringComparer.Ordinal), actual.Tags.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Bins.Order(), actual.Bins.Order());
        Assert.Equal(expected.Open.IsEnabled, actual.Open.IsEnabled);
        Assert.Equal(expected.Shut.IsEnabled, actual.Shut.IsEnabled);
    }

    [Fact]
    public async Task A_tracked_load_saves_exactly_its_changes_of_every_member_kind()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("depot");
        await Model.ApplyAsync(db);
        var players = db.OpenSession(Model);
        players.Store(new Player { Id = "ann", Name = "Ann" });
        players.Store(new Player { Id = "bob", Name = "Bob" });
        await players.SaveChangesAsync();
        long serial = 0;

        await Gen.Select(AnyPicks, AnyEdit, Gen.Bool).SampleAsync(async (initial, edit, byQuery) =>
        {
            long n = ++serial;
            string id = $"c{n}";
            var store = db.OpenSession(Model);
            store.Store(Make(id, n, initial));
            Assert.NotNull(await store.SaveChangesAsync());

            var session = db.OpenSession(Model);
            var crate = byQuery
                ? Assert.Single(await session.Query<Crate>().Where(c => c.Serial == n).ToListAsync())
                : (await session.LoadAsync<Crate>(id))!;
            // The load reads back what was stored, so a change is measured from the stored state.
            AssertSameState(Make(id, n, initial), crate);
            var changed = Apply(crate, edit);

            var ops = session.ChangesOf(crate);
            Assert.Equal(changed, new SortedSet<string>(ops.Select(op => op.Path.Segments[0]), StringComparer.Ordinal));
            var saved = await session.SaveChangesAsync();
            Assert.Equal(changed.Count > 0, saved is not null);
            Assert.Empty(session.ChangesOf(crate));
            Assert.Null(await session.SaveChangesAsync());

            AssertSameState(crate, (await db.OpenSession(Model).LoadNoTrackingAsync<Crate>(id))!);
        }, iter: 150);
    }
}
