using System.Globalization;
using Causeway.Clocks;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>New document ids as each collection's schema says: UUIDv7 with this replica's prefix,
/// ordered (HLC and replica), or the next number of a sequence from this replica's blocks.</summary>
internal sealed class DocumentIds(StoredDatabase db, Reservations reservations, UuidIds uuids, HybridLogicalClock clock, ReplicaTag tag,
    Func<long> physicalClock, RandomSource random) : IIdSource
{
    public ValueTask<string> NewIdAsync(string collection, CancellationToken cancellation) => db.SchemaAt(db.Position).Schema.For(collection)?.Id switch
    {
        IdGeneration.Uuid => ValueTask.FromResult(uuids.Next()),
        IdGeneration.Ordered => ValueTask.FromResult(OrderedIds.For(clock.Now(), tag, 0)),
        IdGeneration.Sequence => SequenceIdAsync(collection, cancellation),
        _ => ValueTask.FromResult(UuidIds.Plain(physicalClock(), random.Fill)),
    };

    private async ValueTask<string> SequenceIdAsync(string collection, CancellationToken cancellation)
        => (await reservations.NextSequenceAsync(collection, RightsRetry.ReservationWait, cancellation).ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture);
}
