using Causeway.Clocks;
using Causeway.Crdt;
using CsCheck;

namespace Causeway.Tests.Crdt;

/// <summary>What a writer knows while preparing one commit: its replica, the commit's dot and HLC time.</summary>
internal sealed class CommitContext(string replica, long seq, HlcTimestamp time)
{
    private int _index;
    public string Replica => replica;
    public Dot Dot => new(replica, seq);
    public LwwStamp NextStamp() => new(time, replica, _index++);
}

/// <summary>Adapts one CRDT type to the convergence harness.</summary>
internal abstract class Model<TState> where TState : class
{
    public abstract TState Create();
    public abstract TState Clone(TState s);
    public abstract void Apply(TState s, CrdtOp op);
    public abstract void Merge(TState into, TState other);
    public abstract bool Same(TState a, TState b);
    /// <summary>The read value, rendered for comparison.</summary>
    public abstract string Read(TState s);
    /// <summary>Takes the state apart through its public views and rebuilds it (what a codec does).</summary>
    public abstract TState Rebuild(TState s);
    /// <summary>One random intention, prepared against <paramref name="s"/> (the writer's own state).</summary>
    public abstract IEnumerable<CrdtOp> Prepare(TState s, CommitContext ctx, Random rnd);
}

/// <summary>Generates concurrent histories on 2–5 replicas and checks convergence: every causal
/// delivery order gives the same state, and Merge is a commutative, associative, idempotent join
/// that agrees with applying the union of the ops. A history is a list of random ints, one per
/// step (a commit by, or a delivery to, some replica), so CsCheck can shrink it.</summary>
internal static class Convergence
{
    private sealed record Commit(int Origin, long Seq, int[] Deps, HlcTimestamp Time, List<CrdtOp> Ops);

    private sealed class Replica<TState>(TState state, int n, HybridLogicalClock clock)
    {
        public readonly TState State = state;
        public readonly int[] Applied = new int[n];
        public readonly HybridLogicalClock Clock = clock;
    }

    private sealed class World
    {
        public long Now = 1_000;
    }

    private static readonly string[] Names = ["r0", "r1", "R2", "r3", "r10"];
    private static readonly long[] ClockOffsets = [0, 1, 0, 2, 1];

    public static readonly Gen<(int, int[])> Histories = Gen.Select(Gen.Int[2, 5], Gen.Int[0, int.MaxValue].Array[1, 60]);

    public static void Check<TState>(Model<TState> model, int iter = 400) where TState : class =>
        Histories.Sample((n, steps) => Run(model, n, steps), iter: iter);

    public static void Run<TState>(Model<TState> model, int n, int[] steps) where TState : class
    {
        var world = new World();
        var replicas = new Replica<TState>[n];
        for (int i = 0; i < n; i++)
        {
            long offset = ClockOffsets[i];
            replicas[i] = new(model.Create(), n, new HybridLogicalClock(() => world.Now + offset, TimeSpan.FromHours(1)));
        }
        var log = new List<Commit>[n];
        for (int i = 0; i < n; i++) log[i] = [];

        foreach (int v in steps)
        {
            var rnd = new Random(v);
            int r = v % n;
            var rep = replicas[r];
            if (rnd.Next(5) < 2)
            {
                if (rnd.Next(2) == 0) world.Now += rnd.Next(3);
                var time = rep.Clock.Now();
                long seq = rep.Applied[r] + 1;
                var ctx = new CommitContext(Names[r], seq, time);
                var ops = new List<CrdtOp>();
                int intentions = rnd.Next(4) == 0 ? 2 : 1;
                for (int k = 0; k < intentions; k++)
                {
                    var prepared = model.Prepare(rep.State, ctx, rnd).ToList();
                    foreach (var op in prepared) model.Apply(rep.State, op);
                    ops.AddRange(prepared);
                }
                var deps = (int[])rep.Applied.Clone();
                rep.Applied[r] = (int)seq;
                log[r].Add(new(r, seq, deps, time, ops));
            }
            else
            {
                var ready = new List<Commit>();
                for (int o = 0; o < n; o++)
                {
                    int next = rep.Applied[o];
                    if (o != r && next < log[o].Count && Ready(log[o][next], rep.Applied)) ready.Add(log[o][next]);
                }
                if (ready.Count > 0) Deliver(model, rep, ready[rnd.Next(ready.Count)]);
            }
        }

        var check = new Random(HashCode.Combine(n, steps.Length, steps[0], steps[^1]));
        var states = replicas.Select(x => x.State).ToArray();
        var snapshots = states.Select(model.Clone).ToArray();
        var full = log.Select(l => l.Count).ToArray();

        // Parts round trip.
        foreach (var s in states) AssertSame(model, s, model.Rebuild(s), "rebuilt from parts");

        // (a) Every causal linearization of all ops gives the same state and read value.
        var reference = Replay(model, log, full, check);
        for (int k = 0; k < 3; k++) AssertSame(model, reference, Replay(model, log, full, check), $"linearization {k + 1}");

        // (b) Merge: commutative, idempotent, agrees with the union of ops; associative; merge-all = all ops.
        for (int i = 0; i < n; i++)
        {
            var self = model.Clone(states[i]);
            model.Merge(self, states[i]);
            AssertSame(model, states[i], self, $"idempotent {i}");
            model.Merge(self, model.Clone(states[i]));
            AssertSame(model, states[i], self, $"idempotent (copy) {i}");
            var withAll = model.Clone(states[i]);
            model.Merge(withAll, reference);
            AssertSame(model, reference, withAll, $"{i} merged with everything");
            for (int j = i + 1; j < n; j++)
            {
                var ij = model.Clone(states[i]);
                model.Merge(ij, states[j]);
                var ji = model.Clone(states[j]);
                model.Merge(ji, states[i]);
                AssertSame(model, ij, ji, $"commutative {i},{j}");
                var union = new int[n];
                for (int o = 0; o < n; o++) union[o] = Math.Max(replicas[i].Applied[o], replicas[j].Applied[o]);
                AssertSame(model, Replay(model, log, union, check), ij, $"merge {i},{j} = union of their ops");
                for (int k = j + 1; k < n; k++)
                {
                    var left = model.Clone(ij);
                    model.Merge(left, states[k]);
                    var jk = model.Clone(states[j]);
                    model.Merge(jk, states[k]);
                    var right = model.Clone(states[i]);
                    model.Merge(right, jk);
                    AssertSame(model, left, right, $"associative {i},{j},{k}");
                }
            }
        }
        var merged = model.Clone(states[0]);
        for (int i = 1; i < n; i++) model.Merge(merged, states[i]);
        AssertSame(model, reference, merged, "merge of all replicas = all ops");
        for (int i = 0; i < n; i++) AssertSame(model, snapshots[i], states[i], $"merge left its argument {i} alone");

        // Finish delivery: every replica converges to the same state.
        for (int i = 0; i < n; i++)
        {
            var rep = replicas[i];
            while (true)
            {
                var ready = new List<Commit>();
                for (int o = 0; o < n; o++)
                    if (rep.Applied[o] < log[o].Count && Ready(log[o][rep.Applied[o]], rep.Applied)) ready.Add(log[o][rep.Applied[o]]);
                if (ready.Count == 0) break;
                Deliver(model, rep, ready[check.Next(ready.Count)]);
            }
            Assert.Equal(full, rep.Applied);
            AssertSame(model, reference, rep.State, $"replica {i} after full delivery");
        }
    }

    private static bool Ready(Commit c, int[] applied)
    {
        for (int k = 0; k < applied.Length; k++)
            if (c.Deps[k] > applied[k]) return false;
        return applied[c.Origin] == c.Seq - 1;
    }

    private static void Deliver<TState>(Model<TState> model, Replica<TState> rep, Commit c) where TState : class
    {
        rep.Clock.Observe(c.Time);
        foreach (var op in c.Ops) model.Apply(rep.State, op);
        rep.Applied[c.Origin]++;
    }

    /// <summary>Applies the first <paramref name="upTo"/>[o] commits of every origin o to a fresh
    /// state, in a random causal order.</summary>
    private static TState Replay<TState>(Model<TState> model, List<Commit>[] log, int[] upTo, Random rnd) where TState : class
    {
        var state = model.Create();
        var applied = new int[log.Length];
        var ready = new List<Commit>();
        while (true)
        {
            ready.Clear();
            for (int o = 0; o < log.Length; o++)
                if (applied[o] < upTo[o] && Ready(log[o][applied[o]], applied)) ready.Add(log[o][applied[o]]);
            if (ready.Count == 0) break;
            var c = ready[rnd.Next(ready.Count)];
            foreach (var op in c.Ops) model.Apply(state, op);
            applied[c.Origin]++;
        }
        Assert.Equal(upTo, applied);
        return state;
    }

    private static void AssertSame<TState>(Model<TState> model, TState expected, TState actual, string what) where TState : class
    {
        if (!model.Same(expected, actual))
            Assert.Fail($"{what}: states differ\nexpected: {expected}\nactual:   {actual}");
        Assert.Equal(model.Read(expected), model.Read(actual));
    }
}
