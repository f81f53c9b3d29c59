using Causeway.Crdt;
using Causeway.Values;

namespace Causeway.Tests.Crdt;

/// <summary>Property tests: concurrent histories converge for every CRDT kind (see <see cref="Convergence"/>).</summary>
public class ConvergenceTests
{
    private static Value Small(Random rnd) => Value.Int(rnd.Next(4));

    [Fact] public void Lww_register_converges() => Convergence.Check(new LwwModel());
    [Fact] public void Mv_register_converges() => Convergence.Check(new MvModel());
    [Fact] public void Pn_counter_converges() => Convergence.Check(new CounterModel());
    [Fact] public void Aw_set_converges() => Convergence.Check(new AwModel());
    [Fact] public void Rw_set_converges() => Convergence.Check(new RwModel());
    [Fact] public void Ew_flag_converges() => Convergence.Check(new EwModel());
    [Fact] public void Dw_flag_converges() => Convergence.Check(new DwModel());
    [Fact] public void Crdt_map_converges() => Convergence.Check(new MapModel(), iter: 500);

    private sealed class LwwModel : Model<LwwRegister<Value>>
    {
        public override LwwRegister<Value> Create() => new();
        public override LwwRegister<Value> Clone(LwwRegister<Value> s) => s.Clone();
        public override void Apply(LwwRegister<Value> s, CrdtOp op) => s.Apply(op);
        public override void Merge(LwwRegister<Value> into, LwwRegister<Value> other) => into.Merge(other);
        public override bool Same(LwwRegister<Value> a, LwwRegister<Value> b) => a.Equals(b);
        public override string Read(LwwRegister<Value> s) => s.IsPresent ? s.Value!.ToString() : "(unset)";
        public override LwwRegister<Value> Rebuild(LwwRegister<Value> s) => LwwRegister<Value>.FromParts(s.Stamp, s.IsPresent, s.Value);

        public override IEnumerable<CrdtOp> Prepare(LwwRegister<Value> s, CommitContext ctx, Random rnd) =>
            [rnd.Next(4) == 0 ? s.PrepareClear(ctx.NextStamp()) : s.PrepareAssign(ctx.NextStamp(), Small(rnd))];
    }

    private sealed class MvModel : Model<MvRegister<Value>>
    {
        public override MvRegister<Value> Create() => new();
        public override MvRegister<Value> Clone(MvRegister<Value> s) => s.Clone();
        public override void Apply(MvRegister<Value> s, CrdtOp op) => s.Apply(op);
        public override void Merge(MvRegister<Value> into, MvRegister<Value> other) => into.Merge(other);
        public override bool Same(MvRegister<Value> a, MvRegister<Value> b) => a.Equals(b);
        public override string Read(MvRegister<Value> s) => string.Join(",", s.Values);
        public override MvRegister<Value> Rebuild(MvRegister<Value> s) => MvRegister<Value>.FromParts(s.Entries, s.Context);

        public override IEnumerable<CrdtOp> Prepare(MvRegister<Value> s, CommitContext ctx, Random rnd) =>
            [rnd.Next(4) == 0 ? s.PrepareClear() : s.PrepareAssign(ctx.Dot, Small(rnd))];
    }

    private sealed class CounterModel : Model<PnCounter>
    {
        public override PnCounter Create() => new();
        public override PnCounter Clone(PnCounter s) => s.Clone();
        public override void Apply(PnCounter s, CrdtOp op) => s.Apply(op);
        public override void Merge(PnCounter into, PnCounter other) => into.Merge(other);
        public override bool Same(PnCounter a, PnCounter b) => a.Equals(b);
        public override string Read(PnCounter s) => $"{s.Value} present={s.IsPresent}";
        public override PnCounter Rebuild(PnCounter s) => PnCounter.FromParts(s.Totals, s.ResetBase);

        public override IEnumerable<CrdtOp> Prepare(PnCounter s, CommitContext ctx, Random rnd) =>
            [rnd.Next(5) == 0 ? s.PrepareReset() : s.PrepareIncrement(ctx.Replica, rnd.Next(-3, 4))];
    }

    private sealed class AwModel : Model<AwSet<Value>>
    {
        public override AwSet<Value> Create() => new();
        public override AwSet<Value> Clone(AwSet<Value> s) => s.Clone();
        public override void Apply(AwSet<Value> s, CrdtOp op) => s.Apply(op);
        public override void Merge(AwSet<Value> into, AwSet<Value> other) => into.Merge(other);
        public override bool Same(AwSet<Value> a, AwSet<Value> b) => a.Equals(b);
        public override string Read(AwSet<Value> s) => string.Join(",", s.Elements);
        public override AwSet<Value> Rebuild(AwSet<Value> s) => AwSet<Value>.FromParts(s.Entries, s.Context);

        public override IEnumerable<CrdtOp> Prepare(AwSet<Value> s, CommitContext ctx, Random rnd) => rnd.Next(7) switch
        {
            0 => [s.PrepareClear()],
            1 or 2 => [s.PrepareRemove(Small(rnd))],
            _ => [s.PrepareAdd(Small(rnd), ctx.Dot)],
        };
    }

    private sealed class RwModel : Model<RwSet<Value>>
    {
        public override RwSet<Value> Create() => new();
        public override RwSet<Value> Clone(RwSet<Value> s) => s.Clone();
        public override void Apply(RwSet<Value> s, CrdtOp op) => s.Apply(op);
        public override void Merge(RwSet<Value> into, RwSet<Value> other) => into.Merge(other);
        public override bool Same(RwSet<Value> a, RwSet<Value> b) => a.Equals(b);
        public override string Read(RwSet<Value> s) => string.Join(",", s.Elements);
        public override RwSet<Value> Rebuild(RwSet<Value> s) => RwSet<Value>.FromParts(s.Entries, s.Context);

        public override IEnumerable<CrdtOp> Prepare(RwSet<Value> s, CommitContext ctx, Random rnd) => rnd.Next(7) switch
        {
            0 => [s.PrepareClear()],
            1 or 2 => [s.PrepareRemove(Small(rnd), ctx.Dot)],
            _ => [s.PrepareAdd(Small(rnd), ctx.Dot)],
        };
    }

    private sealed class EwModel : Model<EwFlag>
    {
        public override EwFlag Create() => new();
        public override EwFlag Clone(EwFlag s) => s.Clone();
        public override void Apply(EwFlag s, CrdtOp op) => s.Apply(op);
        public override void Merge(EwFlag into, EwFlag other) => into.Merge(other);
        public override bool Same(EwFlag a, EwFlag b) => a.Equals(b);
        public override string Read(EwFlag s) => s.Value.ToString();
        public override EwFlag Rebuild(EwFlag s) => EwFlag.FromParts(s.Dots, s.Context);

        public override IEnumerable<CrdtOp> Prepare(EwFlag s, CommitContext ctx, Random rnd) =>
            [rnd.Next(2) == 0 ? s.PrepareDisable() : s.PrepareEnable(ctx.Dot)];
    }

    private sealed class DwModel : Model<DwFlag>
    {
        public override DwFlag Create() => new();
        public override DwFlag Clone(DwFlag s) => s.Clone();
        public override void Apply(DwFlag s, CrdtOp op) => s.Apply(op);
        public override void Merge(DwFlag into, DwFlag other) => into.Merge(other);
        public override bool Same(DwFlag a, DwFlag b) => a.Equals(b);
        public override string Read(DwFlag s) => s.Value.ToString();
        public override DwFlag Rebuild(DwFlag s) => DwFlag.FromParts(s.Enables, s.Disables, s.Context);

        public override IEnumerable<CrdtOp> Prepare(DwFlag s, CommitContext ctx, Random rnd) => rnd.Next(5) switch
        {
            0 => [s.PrepareReset()],
            1 or 2 => [s.PrepareDisable(ctx.Dot)],
            _ => [s.PrepareEnable(ctx.Dot)],
        };
    }

    private sealed class MapModel : Model<CrdtMap>
    {
        private static readonly string[][] Paths = [["a"], ["b"], ["m"], ["m", "x"], ["m", "y"], ["m", "n", "z"]];

        public override CrdtMap Create() => new();
        public override CrdtMap Clone(CrdtMap s) => s.Clone();
        public override void Apply(CrdtMap s, CrdtOp op) => s.Apply(op);
        public override void Merge(CrdtMap into, CrdtMap other) => into.Merge(other);
        public override bool Same(CrdtMap a, CrdtMap b) => a.Equals(b);

        public override string Read(CrdtMap s) =>
            s.ToValue() + " kinds " + string.Join(",", Paths.Select(p => s.KindAt(p)?.ToWireName() ?? "-"));

        public override CrdtMap Rebuild(CrdtMap s) => CrdtMap.FromParts(s.SortedFields.Select(f => KeyValuePair.Create(f.Key, RebuildField(f.Value))));

        private static CrdtField RebuildField(CrdtField f) => CrdtField.FromParts(
            f.Lww is { } lww ? LwwRegister<Value>.FromParts(lww.Stamp, lww.IsPresent, lww.Value) : null,
            f.MvReg is { } mv ? MvRegister<Value>.FromParts(mv.Entries, mv.Context) : null,
            f.Counter is { } c ? PnCounter.FromParts(c.Totals, c.ResetBase) : null,
            f.AwSet is { } aw ? AwSet<Value>.FromParts(aw.Entries, aw.Context) : null,
            f.RwSet is { } rw ? RwSet<Value>.FromParts(rw.Entries, rw.Context) : null,
            f.FlagEw is { } ew ? EwFlag.FromParts(ew.Dots, ew.Context) : null,
            f.FlagDw is { } dw ? DwFlag.FromParts(dw.Enables, dw.Disables, dw.Context) : null,
            f.Map is { } m ? CrdtMap.FromParts(m.SortedFields.Select(e => KeyValuePair.Create(e.Key, RebuildField(e.Value)))) : null,
            f.BCounter is { } bc ? BCounter.FromParts(bc.Totals, bc.Transfers) : null);

        public override IEnumerable<CrdtOp> Prepare(CrdtMap s, CommitContext ctx, Random rnd)
        {
            var path = Paths[rnd.Next(Paths.Length)];
            return rnd.Next(14) switch
            {
                0 => [s.PrepareAssign(path, ctx.NextStamp(), Small(rnd))],
                1 => [s.PrepareMvAssign(path, ctx.Dot, Small(rnd))],
                2 => [s.PrepareIncrement(path, ctx.Replica, rnd.Next(-2, 3))],
                3 => [s.PrepareAwAdd(path, Small(rnd), ctx.Dot)],
                4 => [s.PrepareAwRemove(path, Small(rnd))],
                5 => [s.PrepareRwAdd(path, Small(rnd), ctx.Dot)],
                6 => [s.PrepareRwRemove(path, Small(rnd), ctx.Dot)],
                7 => [s.PrepareEwEnable(path, ctx.Dot)],
                8 => [s.PrepareEwDisable(path)],
                9 => [s.PrepareDwEnable(path, ctx.Dot)],
                10 => [s.PrepareDwDisable(path, ctx.Dot)],
                11 => [s.PrepareBCounterIncrement(path, ctx.Replica, rnd.Next(-2, 3))],
                12 => [s.PrepareBCounterTransfer(path, ctx.Replica, ctx.Replica + "'", (BoundSide)rnd.Next(2), rnd.Next(1, 3))],
                _ => s.PrepareUnset(rnd.Next(3) == 0 ? ["m"] : path, ctx.NextStamp(), ctx.Dot),
            };
        }
    }
}
