using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Who holds what, as this replica sees it now: the rights each replica holds over a
/// bounded counter, and the holder of a unique value's reservation.</summary>
internal sealed class Holdings(StoredDatabase db)
{
    /// <summary>The rights this replica holds now over the counter an ask names (its rule, or null if it names none).</summary>
    public (FieldRule? Rule, Int128 Held) RightsHeld(Reservation what) => RightsHeld(what, db.ReplicaDid);

    /// <summary>The rights <paramref name="replica"/> holds over the counter, as this replica sees it.</summary>
    public (FieldRule? Rule, Int128 Held) RightsHeld(Reservation what, string replica)
    {
        var schema = db.SchemaAt(db.Position).Schema;
        var rule = schema.For(what.Collection)?.Field(what.Path);
        if (rule is not { IsBounded: true } || !db.Holds.Matches(what.Collection, what.Id)) return (null, 0);
        var counter = db.ReadVersion(what.Collection, what.Id, db.Position)?.State.Fields.FieldAt(what.Path.Split('.'))?.BCounter;
        var home = schema.Home;
        Int128 held = counter is null
            ? (replica != home ? 0 : what.Side == BoundSide.Lower ? -(Int128)(rule.Min ?? 0) : rule.Max ?? 0)
            : BoundRules.Held(counter, replica, home, what.Side, rule.Min, rule.Max);
        return (rule, held);
    }

    /// <summary>The replica that holds a reservation now: its holder, or the home replica if it was never used.</summary>
    public string HolderOf(string reservationId)
    {
        long at = db.Position;
        DocumentState? Lookup(string collection, string id) => db.ReadVersion(collection, id, at)?.State;
        var state = Lookup(SystemCollections.Reservations, reservationId);
        return state is { Exists: true } && state.Fields.ValueAt([UniqueRules.Holder]) is { Kind: Values.ValueKind.String } holder
            ? holder.AsString()
            : UniqueRules.DefaultHolder(Lookup, reservationId, db.SchemaAt(at).Schema.Home ?? db.ReplicaDid);
    }
}
