using System.Security.Cryptography;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Invariants;

/// <summary>Unique values by reservation (docs/invariants.md). Each value of a unique field tuple
/// has a reservation, the document <c>_reservations/{collection}.{tuple}.{hash}</c>: its
/// <c>holder</c> is the one replica that may give the value to a document (the home replica until
/// it hands it over), and <c>used_by</c> names the document that has it. Only the holder writes
/// the reservation, so its writes are ordered, and no two replicas can hand out one value.</summary>
internal static class UniqueRules
{
    public const string Holder = "holder";
    public const string UsedBy = "used_by";

    public static void Enforce(StagedDocuments staged, string me)
    {
        var schema = staged.Schema;
        string home = schema.Home ?? me;
        for (int i = 0; i < staged.Entries.Count; i++)
        {
            var entry = staged.Entries[i];
            if (entry.Collection == SystemCollections.Reservations)
            {
                foreach (var handOver in entry.Intents.OfType<DocumentIntent.HandOver>()) CheckHandOver(staged, entry, handOver, me, home);
                HomeOnly.Check<DocumentIntent.HandOutRange>(entry, me, home, "ranges of unique values");
                continue;
            }
            if (!entry.State.Exists || schema.For(entry.Collection) is not { Unique.Count: > 0 } rules) continue;
            for (int t = 0; t < rules.Unique.Count; t++)
            {
                var tuple = rules.Unique[t];
                if (ValuesOf(entry.State, tuple) is not { } values) continue;
                // A document keeps what it has: only a new value, or a document (re)appearing, needs the reservation.
                if (entry.Existed && entry.Previous is { } before && Same(ValuesOf(before.State, tuple), values)) continue;
                string id = ReservationId(entry.Collection, tuple, values);
                var reservation = staged.StateOf(SystemCollections.Reservations, id);
                string holder = Text(reservation, Holder) ?? DefaultHolder(staged.StateOf, id, home);
                if (holder != me)
                    throw new ReservationUnavailableException($"{entry.Collection}/{entry.Id}: the value {Describe(tuple, values)} is reserved by replica {holder}, which has not handed it to this one (it is asked for now).")
                    {
                        Needed = new Reservation(Reservation.Value, entry.Collection, id, entry.Id, Crdt.BoundSide.Lower, 1),
                        Violation = new Violation(ViolatedRule.Unique, entry.Collection, entry.Id, tuple),
                    };
                string? usedBy = Text(reservation, UsedBy);
                if (usedBy is not null && usedBy != entry.Id && staged.StateOf(entry.Collection, usedBy) is { } other && Same(ValuesOf(other, tuple), values))
                {
                    if (other.Exists)
                        throw new ConstraintViolationException($"{entry.Collection}/{entry.Id}: {Describe(tuple, values)} is already used by {entry.Collection}/{usedBy} (unique).")
                        {
                            Violation = new Violation(ViolatedRule.Unique, entry.Collection, entry.Id, tuple) { Other = $"{entry.Collection}/{usedBy}" },
                        };
                    // A deleted document gives its value up for good: a concurrent write that brings it back finds the value cleared.
                    staged.Edit(entry.Collection, usedBy, [new DocumentIntent.Clear(tuple)]);
                }
                if (usedBy != entry.Id || reservation is not { Exists: true })
                    staged.Edit(SystemCollections.Reservations, id, [new DocumentIntent.Put(ReservationFields(me, entry.Id))]);
            }
        }
    }

    /// <summary>A reservation's fields: who holds the value and which document uses it.</summary>
    public static Value ReservationFields(string holder, string usedBy) => Value.Map([new(Holder, Value.String(holder)), new(UsedBy, Value.String(usedBy))]);

    /// <summary>Only the holder hands a reservation over, and not while another live document uses it.</summary>
    private static void CheckHandOver(StagedDocuments staged, StagedDocuments.Entry entry, DocumentIntent.HandOver handOver, string me, string home)
    {
        var before = entry.Previous?.State;
        string holder = Text(before, Holder) ?? DefaultHolder(staged.StateOf, entry.Id, home);
        if (holder != me) throw new ReservationUnavailableException($"This replica no longer holds {entry.Id}; {holder} does.");
        if (Text(before, UsedBy) is not { } usedBy || usedBy == handOver.ForDocument) return;
        var (collection, tuple) = Parse(staged.Schema, entry.Id);
        if (collection is null || staged.StateOf(collection.Name, usedBy) is not { Exists: true } user) return;
        if (ValuesOf(user, tuple!) is { } values && ReservationId(collection.Name, tuple!, values) == entry.Id)
            throw new ConstraintViolationException($"{collection.Name}/{handOver.ForDocument}: {Describe(tuple!, values)} is already used by {collection.Name}/{usedBy} (unique).")
            {
                Violation = new Violation(ViolatedRule.Unique, collection.Name, handOver.ForDocument, tuple!) { Other = $"{collection.Name}/{usedBy}" },
            };
    }

    /// <summary>The replica that holds a value nobody has used yet: the owner of its range, if the
    /// home handed that range out in advance, else the home.</summary>
    public static string DefaultHolder(Func<string, string, DocumentState?> lookup, string reservationId, string home)
    {
        int last = reservationId.LastIndexOf('.');
        if (last < 0 || last + 1 >= reservationId.Length) return home;
        var ranges = lookup(SystemCollections.Reservations, reservationId[..last] + "." + RangesSuffix);
        return Text(ranges, Shard(reservationId[last + 1])) ?? home;
    }

    /// <summary>The document listing which replica owns which range of a tuple's values.</summary>
    public static string RangesId(string collection, IReadOnlyList<string> tuple) => $"{collection}.{TupleKey(tuple)}.{RangesSuffix}";

    public const string RangesSuffix = "ranges";

    /// <summary>Values are split into 16 ranges by the first hex digit of their hash: the field <c>s0</c>…<c>sf</c>.</summary>
    public static string Shard(char digit) => "s" + digit;

    /// <summary>The collection and field tuple a reservation id is for.</summary>
    public static (CollectionRules? Collection, IReadOnlyList<string>? Tuple) Parse(Schema schema, string reservationId)
    {
        var parts = reservationId.Split('.');
        if (parts.Length != 3 || schema.For(parts[0]) is not { } rules) return (null, null);
        var tuple = rules.Unique.FirstOrDefault(t => TupleKey(t) == parts[1]);
        return tuple is null ? (null, null) : (rules, tuple);
    }

    /// <summary>The reservation's id: the collection, the tuple's key and a hash of its values.</summary>
    public static string ReservationId(string collection, IReadOnlyList<string> tuple, IReadOnlyList<Value> values)
    {
        var hash = SHA256.HashData(ValueCbor.Encode(Value.Array(values)));
        return $"{collection}.{TupleKey(tuple)}.{Convert.ToHexStringLower(hash.AsSpan(0, 16))}";
    }

    /// <summary>A tuple's key in reservation ids: a hash of its field names, not its place in the
    /// schema's list, so a later schema version that reorders or adds tuples keeps every reservation
    /// and range. Field names may hold dots, which the ids use as separators: hence a hash.</summary>
    public static string TupleKey(IReadOnlyList<string> tuple)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\0', tuple)));
        return "u" + Convert.ToHexStringLower(hash.AsSpan(0, 4));
    }

    /// <summary>Each unique tuple of <paramref name="rules"/> that <paramref name="state"/> has values for: the
    /// tuple, its values, and the id of their reservation.</summary>
    public static IEnumerable<(IReadOnlyList<string> Tuple, IReadOnlyList<Value> Values, string Reservation)> ReservationsOf(CollectionRules rules, DocumentState state)
    {
        foreach (var tuple in rules.Unique)
            if (ValuesOf(state, tuple) is { } values) yield return (tuple, values, ReservationId(rules.Name, tuple, values));
    }

    /// <summary>The tuple's values, or null when one is absent or null (which no uniqueness constrains, as in SQL).</summary>
    public static IReadOnlyList<Value>? ValuesOf(DocumentState state, IReadOnlyList<string> tuple)
    {
        var values = new Value[tuple.Count];
        for (int i = 0; i < tuple.Count; i++)
        {
            if (state.Fields.ValueAt(tuple[i].Split('.')) is not { IsNull: false } value) return null;
            values[i] = value;
        }
        return values;
    }

    private static bool Same(IReadOnlyList<Value>? a, IReadOnlyList<Value> b) => a is not null && a.SequenceEqual(b);

    private static string? Text(DocumentState? state, string field)
        => state is { Exists: true } && state.Fields.ValueAt([field]) is { Kind: ValueKind.String } text ? text.AsString() : null;

    public static string Describe(IReadOnlyList<string> tuple, IReadOnlyList<Value> values)
        => tuple.Count == 1 ? $"{tuple[0]} = {values[0]}" : $"({string.Join(", ", tuple)}) = ({string.Join(", ", values)})";
}
