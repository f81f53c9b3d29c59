using Causeway.Crdt;
using Causeway.Errors;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Keeps bounded counters in bounds (Balegas et al.): a local commit may lower this replica's
/// rights over a counter only as far as zero. Rights are the counter's movable part plus, for the
/// home replica, the initial slack (−min below, max above). Every replica spends only its own, and
/// checks against its exact view of what it gave away, so the sum never crosses the bound. A change
/// that takes the counter past its bound as this replica sees it could not be made good by every
/// right in the database, so it is refused at once as a constraint violation rather than left
/// waiting for a transfer.</summary>
internal static class BoundRules
{
    public static void Enforce(StagedDocuments staged, string replica)
    {
        var schema = staged.Schema;
        foreach (var entry in staged.Entries)
        {
            if (schema.For(entry.Collection) is not { } rules) continue;
            foreach (var field in rules.Fields.Values)
            {
                if (!field.IsBounded) continue;
                var spent = Spent(entry.Editor.Effects, field.Path);
                if (spent == default) continue;
                var counter = entry.State.Fields.FieldAt(field.Path.Split('.'))?.BCounter;
                if (counter is null) continue;
                if (spent.Lower && field.Min is { } min && counter.ExactValue < min)
                    throw new ConstraintViolationException($"{entry.Collection}/{entry.Id}: '{field.Path}' would be {counter.ExactValue}, below its minimum {min}; no transfer of rights can change that.")
                    {
                        Violation = Crossed(entry, field.Path, BoundSide.Lower, min, counter),
                    };
                if (spent.Upper && field.Max is { } max && counter.ExactValue > max)
                    throw new ConstraintViolationException($"{entry.Collection}/{entry.Id}: '{field.Path}' would be {counter.ExactValue}, above its maximum {max}; no transfer of rights can change that.")
                    {
                        Violation = Crossed(entry, field.Path, BoundSide.Upper, max, counter),
                    };
                if (spent.Lower && field.Min is { } lower) Check(entry, field.Path, counter, replica, BoundSide.Lower, lower, replica == schema.Home ? -(Int128)lower : 0);
                if (spent.Upper && field.Max is { } upper) Check(entry, field.Path, counter, replica, BoundSide.Upper, upper, replica == schema.Home ? upper : 0);
            }
        }
    }

    /// <summary>The rights this replica holds over a counter, with the home's initial slack.</summary>
    public static Int128 Held(BCounter counter, string replica, string? home, BoundSide side, long? min, long? max)
        => counter.ExactRights(replica, side) + (replica != home ? 0 : side == BoundSide.Lower ? -(Int128)(min ?? 0) : max ?? 0);

    private static Violation Crossed(StagedDocuments.Entry entry, string path, BoundSide side, long bound, BCounter counter)
        => new(ViolatedRule.Bound, entry.Collection, entry.Id, [path]) { Side = side, Bound = bound, Value = counter.Value };

    private static void Check(StagedDocuments.Entry entry, string path, BCounter counter, string replica, BoundSide side, long bound, Int128 slack)
    {
        var held = counter.ExactRights(replica, side) + slack;
        if (held >= 0) return;
        long missing = held < -long.MaxValue ? long.MaxValue : (long)-held;
        string what = side == BoundSide.Lower ? "lower" : "raise";
        throw new InsufficientRightsException(
            $"{entry.Collection}/{entry.Id}: this replica lacks {missing} of the rights to {what} '{path}' further; other replicas hold them, and a transfer has been asked for.")
        {
            Shortage = new RightsShortage(entry.Collection, entry.Id, path, side, missing),
            Violation = new Violation(ViolatedRule.Bound, entry.Collection, entry.Id, [path]) { Side = side, Bound = bound },
        };
    }

    /// <summary>Which sides of the counter at <paramref name="path"/> the effects spend from.</summary>
    private static (bool Lower, bool Upper) Spent(IReadOnlyList<CrdtOp> effects, string path)
    {
        bool lower = false, upper = false;
        foreach (var effect in effects)
        {
            if (effect is not MapOp map || string.Join('.', map.Path) != path) continue;
            switch (map.Inner)
            {
                case BCounterIncrement { By: < 0 }: lower = true; break;
                case BCounterIncrement { By: > 0 }: upper = true; break;
                case BCounterTransfer t: if (t.Side == BoundSide.Lower) lower = true; else upper = true; break;
            }
        }
        return (lower, upper);
    }
}
