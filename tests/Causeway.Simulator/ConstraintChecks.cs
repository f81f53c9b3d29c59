using Causeway.Crdt;
using Causeway.Queries;
using Causeway.Values;
using static Causeway.Simulator.ConstraintSchema;

namespace Causeway.Simulator;

/// <summary>What the constraints promise every reader, checked on one replica at one position (the
/// latest or a past one): the bounded counter is within its bounds and no replica holds negative
/// rights (so together they can never spend past the bound); every visible range passes its check;
/// no visible child names a parent that is not visible.</summary>
public static class ConstraintChecks
{
    /// <param name="replicas">Every replica of the run (its rights must add up to what the bound allows).</param>
    /// <param name="tamper">A deliberate bug for the tests: changes the counter state the check sees.</param>
    public static async Task CheckAsync(Database db, ConstraintSchema schema, IReadOnlyList<string> replicas, long position, string where,
        Func<BCounter, BCounter>? tamper = null)
    {
        var at = ReadPoint.AtPosition(position);
        foreach (var id in BoundedIds)
        {
            var doc = await db.GetAsync(Bounded, id, at);
            var counter = ConstraintWorkload.CounterOf(db, id, position);
            if (counter is not null && tamper is not null) counter = tamper(counter.Clone());
            if (doc is not null && doc.Fields.Get(Counter) is { } n)
            {
                if (n.Kind != ValueKind.Int) throw new CheckFailedException(FailureKind.Bound, $"{where}: {Bounded}/{id} reads {Counter} = {n}, not a count.");
                long value = n.AsInt();
                if (value < Min || value > schema.Max)
                    throw new CheckFailedException(FailureKind.Bound, $"{where}: {Bounded}/{id} reads {Counter} = {value}, outside [{Min}, {schema.Max?.ToString() ?? "∞"}].");
                if (tamper is null && counter?.Value != value)
                    throw new CheckFailedException(FailureKind.Bound, $"{where}: {Bounded}/{id} reads {Counter} = {value}, but its counter holds {counter}.");
            }
            if (counter is null) continue;
            CheckRights(counter, schema, replicas, BoundSide.Lower, counter.ExactValue - Min, $"{where}: {Bounded}/{id}");
            if (schema.Max is { } max) CheckRights(counter, schema, replicas, BoundSide.Upper, max - counter.ExactValue, $"{where}: {Bounded}/{id}");
            if (counter.ExactValue < Min || counter.ExactValue > schema.Max)
                throw new CheckFailedException(FailureKind.Bound, $"{where}: {Bounded}/{id} holds a counter of {counter.ExactValue}, outside [{Min}, {schema.Max?.ToString() ?? "∞"}].");
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in HandleIds)
        {
            if (await db.GetAsync(Handles, id, at) is not { } doc || doc.Fields.Get(Name) is not { Kind: ValueKind.String } name) continue;
            if (names.TryGetValue(name.AsString(), out var first))
                throw new CheckFailedException(FailureKind.Unique, $"{where}: {Handles}/{first} and {Handles}/{id} are both visible with {Name} = {name}.");
            names[name.AsString()] = id;
        }
        foreach (var id in CheckedIds)
        {
            if (await db.GetAsync(Checked, id, at) is not { } doc) continue;
            var (lo, hi) = (doc.Fields.Get(Lo), doc.Fields.Get(Hi));
            if (Ordered(lo, hi) == false)
                throw new CheckFailedException(FailureKind.Check, $"{where}: {Checked}/{id} is visible with {Lo} = {lo}, {Hi} = {hi}, which breaks '{CheckText}'.");
        }
        foreach (var collection in ChildCollections)
        {
            var visible = new List<string>();
            foreach (var id in ChildIds)
            {
                if (await db.GetAsync(collection, id, at) is not { } child) continue;
                visible.Add(id);
                if (ConstraintWorkload.ParentOf(child) is { } parent && await db.GetAsync(Parents, parent, at) is null)
                    throw new CheckFailedException(FailureKind.Reference, $"{where}: {collection}/{id} is visible and names {Parents}/{parent}, which is not.");
            }
            var listed = (await db.QueryAsync(Query.In(collection).At(at))).Documents.Select(d => d.Id).ToList();
            if (!listed.SequenceEqual(visible))
                throw new CheckFailedException(FailureKind.Reference, $"{where}: a query of {collection} lists [{string.Join(", ", listed)}] but reads one by one show [{string.Join(", ", visible)}].");
        }
    }

    /// <summary>Each replica's rights on <paramref name="side"/> are ≥ 0 and add up to what the bound allows.</summary>
    private static void CheckRights(BCounter counter, ConstraintSchema schema, IReadOnlyList<string> replicas, BoundSide side, Int128 allowed, string where)
    {
        var strangers = counter.Totals.Select(t => t.Replica).Concat(counter.Transfers.SelectMany(t => new[] { t.From, t.To })).Except(replicas).ToList();
        if (strangers.Count > 0) throw new CheckFailedException(FailureKind.Rights, $"{where}: the counter names {strangers[0]}, which is no replica of the run.");
        Int128 sum = 0;
        foreach (var replica in replicas)
        {
            var held = schema.Rights(counter, replica, side);
            if (held < 0)
                throw new CheckFailedException(FailureKind.Rights, $"{where}: replica {replica[^6..]} holds {held} {side.ToString().ToLowerInvariant()} rights (counter {counter}).");
            sum += held;
        }
        if (sum != allowed)
            throw new CheckFailedException(FailureKind.Rights, $"{where}: the replicas hold {sum} {side.ToString().ToLowerInvariant()} rights in all, but the bound allows {allowed} (counter {counter}).");
    }
}
