using System.Collections.Concurrent;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>The blocks of sequence ids this replica numbers documents from: loaded from the ledger,
/// and when used up, a new block (allocated here on the home replica, asked of it elsewhere).</summary>
internal sealed class SequenceIds(StoredDatabase db, AskRouting routing)
{
    private readonly ConcurrentDictionary<string, SequenceBlocks> _sequences = new(StringComparer.Ordinal);

    /// <summary>The next number of a sequence collection: from this replica's blocks, or from a new
    /// block (reservation_unavailable when the home cannot be reached within <paramref name="timeout"/>).</summary>
    public async Task<long> NextAsync(string collection, TimeSpan timeout, CancellationToken cancellation)
    {
        string me = db.ReplicaDid;
        var blocks = _sequences.GetOrAdd(collection, c => SequenceRules.Load(State(c), me));
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (blocks.TryNext(out long next)) return next;
            // Grants may have arrived since the blocks were loaded.
            foreach (var (start, size) in SequenceRules.Load(State(collection), me).Blocks) blocks.Grant(start, size);
            if (blocks.TryNext(out next)) return next;
            var schema = db.SchemaAt(db.Position).Schema;
            if ((schema.Home ?? me) == me)
                await db.CommitSystemAsync(SystemCollections.Sequences, collection, new DocumentIntent.AllocateBlock(me, SequenceRules.BlockSize), cancellation).ConfigureAwait(false);
            else
            {
                var outcome = await routing.AskAsync(new Reservation(Reservation.Block, collection, "", "", BoundSide.Lower, SequenceRules.BlockSize), timeout).ConfigureAwait(false);
                if (!outcome.IsGranted)
                    throw new ReservationUnavailableException($"'{collection}' numbers its documents from blocks of the home replica {schema.Home}, and this replica has none left: {outcome.Detail}.");
            }
        }
        throw new ReservationUnavailableException($"No block of '{collection}' could be had.");
    }

    private DocumentState? State(string collection) => db.ReadVersion(SystemCollections.Sequences, collection, db.Position)?.State;
}
