using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Crdt.Kinds;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Ledger;
using Causeway.Schemas;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Crdt;

/// <summary>The field-kind registry covers every <see cref="FieldKind"/>, and every registered
/// kind's state and effect codecs round-trip the states and effects of random concurrent
/// histories of that kind alone.</summary>
public sealed class FieldKindTests
{
    private static readonly string[] Replicas = ["did:key:z6MkA", "did:key:z6MkB", "did:key:z6MkC"];
    private static readonly ImmutableArray<string> F = ["f"];
    private static readonly ImmutableArray<string>[] Nested = [["f", "x"], ["f", "y"], ["f", "n", "z"]];

    private static Value Small(Random r) => r.Next(6) switch
    {
        0 => Value.Int(r.Next(4)),
        1 => Value.String("s" + r.Next(3)),
        2 => Value.Bool(r.Next(2) == 0),
        3 => Value.Array([Value.Int(r.Next(2)), Value.Null]),
        4 => Value.Map([new("k", Value.Double(r.Next(3) / 2.0))]),
        _ => Value.Decimal(r.Next(5) / 4m),
    };

    /// <summary>One random commit of each kind's ops on field f, prepared against the writer's state.</summary>
    private static readonly Dictionary<FieldKind, Func<CrdtMap, EffectContext, Random, IReadOnlyList<MapOp>>> Commits = new()
    {
        [FieldKind.Lww] = (m, c, r) => r.Next(4) == 0 ? Unset(m, F, c) : [m.PrepareAssign(F, c.Stamp(0), Small(r))],
        [FieldKind.MvReg] = (m, c, r) => r.Next(4) == 0 ? Unset(m, F, c) : [m.PrepareMvAssign(F, c.Dot, Small(r))],
        [FieldKind.Counter] = (m, c, r) => r.Next(4) == 0 ? Unset(m, F, c) : [m.PrepareIncrement(F, c.Origin, r.Next(-3, 4))],
        [FieldKind.BCounter] = (m, c, r) => r.Next(3) == 0
            ? [m.PrepareBCounterTransfer(F, c.Origin, Replicas[(Array.IndexOf(Replicas, c.Origin) + r.Next(1, 3)) % 3], (BoundSide)r.Next(2), r.Next(1, 4))]
            : [m.PrepareBCounterIncrement(F, c.Origin, r.Next(-3, 4))],
        [FieldKind.AwSet] = (m, c, r) => r.Next(5) switch
        {
            0 => Unset(m, F, c),
            1 or 2 => [m.PrepareAwRemove(F, Small(r))],
            _ => [m.PrepareAwAdd(F, Small(r), c.Dot)],
        },
        [FieldKind.RwSet] = (m, c, r) => r.Next(5) switch
        {
            0 => Unset(m, F, c),
            1 or 2 => [m.PrepareRwRemove(F, Small(r), c.Dot)],
            _ => [m.PrepareRwAdd(F, Small(r), c.Dot)],
        },
        [FieldKind.FlagEw] = (m, c, r) => r.Next(2) == 0 ? [m.PrepareEwDisable(F)] : [m.PrepareEwEnable(F, c.Dot)],
        [FieldKind.FlagDw] = (m, c, r) => r.Next(5) switch
        {
            0 => Unset(m, F, c),
            1 or 2 => [m.PrepareDwDisable(F, c.Dot)],
            _ => [m.PrepareDwEnable(F, c.Dot)],
        },
        // A map's own state is its fields: write several kinds inside f, and sometimes unset f whole.
        [FieldKind.Map] = (m, c, r) =>
        {
            var path = Nested[r.Next(Nested.Length)];
            return r.Next(6) switch
            {
                0 => Unset(m, F, c),
                1 => [m.PrepareIncrement(path, c.Origin, r.Next(-3, 4))],
                2 => [m.PrepareAwAdd(path, Small(r), c.Dot)],
                3 => [m.PrepareEwEnable(path, c.Dot)],
                _ => [m.PrepareAssign(path, c.Stamp(0), Small(r))],
            };
        },
    };

    /// <summary>An unset as the document editor makes it: each clear stamped by its own position.</summary>
    private static IReadOnlyList<MapOp> Unset(CrdtMap m, ImmutableArray<string> path, EffectContext c) =>
        m.PrepareUnset(path, c.Stamp(0), c.Dot).Select((op, i) => op.Inner is LwwClear ? op with { Inner = new LwwClear(c.Stamp(i)) } : op).ToList();

    [Fact]
    public void The_registry_covers_every_field_kind_once()
    {
        var kinds = Enum.GetValues<FieldKind>();
        Assert.Equal(kinds.Length, FieldKindRegistry.Count);
        Assert.Equal(kinds.Length, FieldKinds.Precedence.Length);
        Assert.Equal(kinds.Order(), FieldKinds.Precedence.ToArray().Order());
        var effectNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            Assert.InRange((int)kind, 0, kinds.Length - 1); // kind numbers are 0…n-1: the registry indexes by them
            var definition = FieldKindRegistry.Of(kind);
            Assert.Equal(kind, definition.Kind);
            Assert.Same(definition, FieldKindRegistry.Find((int)kind));
            Assert.Equal(kind.ToWireName(), definition.Name);
            Assert.Equal(kind, FieldKinds.Parse(definition.Name));
            Assert.Contains(definition.Name, FieldRule.Kinds);
            foreach (var form in definition.Effects)
            {
                Assert.True(effectNames.Add(form.Name), $"effect '{form.Name}' twice");
                Assert.Same(form, FieldKindRegistry.Effect(form.Name));
            }
            var empty = definition.Create();
            Assert.False(definition.IsPresent(empty));
            Assert.True(definition.StateEquals(empty, definition.Clone(empty)));
        }
        Assert.Null(FieldKindRegistry.Find(kinds.Length));
        Assert.Null(FieldKindRegistry.Find(-1));
        Assert.Null(FieldKindRegistry.Find(256)); // no wrap to lww through a byte
        Assert.Null(FieldKindRegistry.Effect("live"));
        // The test below has a history for every kind: a new kind brings its own.
        Assert.Equal(kinds.Order(), Commits.Keys.Order());
    }

    public static TheoryData<FieldKind> Kinds() => [.. Enum.GetValues<FieldKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_round_trips_its_state_and_effects(FieldKind kind)
    {
        var definition = FieldKindRegistry.Of(kind);
        // CsCheck runs samples on several threads at once: the set of forms seen is shared, so it is locked.
        var formsSeen = new HashSet<string>(StringComparer.Ordinal);
        Gen.Int.Array[1, 40].Sample(steps =>
        {
            var states = Replicas.Select(_ => new CrdtMap()).ToArray();
            var seqs = new long[Replicas.Length];
            for (int step = 0; step < steps.Length; step++)
            {
                var r = new Random(steps[step]);
                int who = r.Next(Replicas.Length);
                if (r.Next(4) == 0)
                {
                    states[who].Merge(states[r.Next(Replicas.Length)]); // a delivery: concurrent writes meet
                    continue;
                }
                var context = new EffectContext(Replicas[who], ++seqs[who], HlcTimestamp.FromParts(1_000 + step, r.Next(2)));
                var ops = Commits[kind](states[who], context, r);
                for (int index = 0; index < ops.Count; index++)
                {
                    var op = ops[index];
                    states[who].Apply(op);
                    var w = new DagCborWriter();
                    EffectCodec.Write(w, op, context, index);
                    var bytes = w.Encode();
                    var decoded = EffectCodec.Read(new DagCborReader(bytes), context, index);
                    Assert.Equal(op, decoded);
                    var peek = new DagCborReader(bytes);
                    peek.ReadStartArray();
                    var form = FieldKindRegistry.Effect(peek.ReadText());
                    Assert.NotNull(form);
                    var owner = FieldKindRegistry.Of(op.Inner.Kind);
                    Assert.Contains(form, owner.Effects);
                    if (ReferenceEquals(owner, definition)) lock (formsSeen) formsSeen.Add(form.Name);
                }
            }
            var merged = new CrdtMap();
            foreach (var state in states) merged.Merge(state);
            foreach (var state in states.Append(merged))
            {
                var field = state.FieldAt(F);
                if (field is null) continue;
                Assert.Equal([kind], field.Kinds);
                RoundTripState(definition, field.Get(kind)!);
            }
        }, iter: 150);
        Assert.Equal(definition.Effects.Select(f => f.Name).Order(), formsSeen.Order());
    }

    /// <summary>A state written alone with its own replica table reads back equal, and writes the same bytes again.</summary>
    private static void RoundTripState(FieldKindDefinition kind, object crdt)
    {
        var collect = StateWriter.Collecting();
        kind.WriteState(collect, crdt);
        var replicas = collect.Replicas();
        var w = new DagCborWriter();
        kind.WriteState(new StateWriter(w, replicas), crdt);
        var bytes = w.Encode();
        var reader = new DagCborReader(bytes);
        var decoded = kind.ReadState(new StateReader(reader, replicas));
        reader.ReadEnd();
        Assert.True(kind.StateEquals(crdt, decoded), $"{kind.Name}: {crdt} read back as {decoded}");
        Assert.Equal(kind.IsPresent(crdt), kind.IsPresent(decoded));
        if (kind.IsPresent(crdt)) Assert.Equal(kind.ToValue(crdt), kind.ToValue(decoded));
        var again = new DagCborWriter();
        kind.WriteState(new StateWriter(again, replicas), decoded);
        Assert.Equal(bytes, again.Encode());
    }
}
