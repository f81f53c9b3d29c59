using System.Collections.Concurrent;
using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>The blocks of sequence ids this replica numbers documents from: loaded from the ledger,
/// and when used up, a new block (allocated here on the home replica, asked of it elsewhere). Blocks
/// also move before they are needed: the home hands one to each replica it syncs with that has too
/// few ids left, and (with <paramref name="refill"/>, when background work is on) a replica running
/// below the low-water mark asks the home for the next block while it still has ids to give.</summary>
internal sealed class SequenceIds(StoredDatabase db, AskRouting routing, bool refill)
{
    /// <summary>Below this many ids left, a replica gets its next block.</summary>
    public const long LowWater = SequenceRules.BlockSize / 2;

    private readonly ConcurrentDictionary<string, SequenceBlocks> _sequences = new(StringComparer.Ordinal);

    /// <summary>The next number of a sequence collection: from this replica's blocks, or from a new
    /// block (reservation_unavailable when the home cannot be reached within <paramref name="timeout"/>).</summary>
    public async Task<long> NextAsync(string collection, TimeSpan timeout, CancellationToken cancellation)
    {
        string me = db.ReplicaDid;
        var blocks = _sequences.GetOrAdd(collection, c => SequenceRules.Load(State(c), me));
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (blocks.TryNext(out long next))
            {
                if (refill && blocks.Remaining < LowWater) _ = RefillAsync(collection, me);
                return next;
            }
            // Grants may have arrived since the blocks were loaded.
            foreach (var (start, size) in SequenceRules.Load(State(collection), me).Blocks) blocks.Grant(start, size);
            if (blocks.TryNext(out next)) return next;
            var schema = db.SchemaAt(db.Position).Schema;
            if ((schema.Home ?? me) == me)
                await db.CommitSystemAsync(SystemCollections.Sequences, collection, new DocumentIntent.AllocateBlock(me, SequenceRules.BlockSize), cancellation).ConfigureAwait(false);
            else
            {
                var outcome = await routing.WaitForAsync(routing.AskAsync(new Reservation(Reservation.Block, collection, "", "", BoundSide.Lower, SequenceRules.BlockSize), timeout)).ConfigureAwait(false);
                if (!outcome.IsGranted)
                    throw new ReservationUnavailableException($"'{collection}' numbers its documents from blocks of the home replica {schema.Home}, and this replica has none left: {outcome.Detail}.");
            }
        }
        throw new ReservationUnavailableException($"No block of '{collection}' could be had.");
    }

    /// <summary>On the home replica: hands <paramref name="peer"/> a block of every sequence of which it
    /// holds fewer than <see cref="LowWater"/> ids (as the home sees it).</summary>
    public async Task HandOutAsync(string peer, CancellationToken cancellation)
    {
        var schema = db.SchemaAt(db.Position).Schema;
        if (schema.Home != db.ReplicaDid || peer == db.ReplicaDid) return;
        foreach (var rules in schema.Collections.Values.Where(c => c.Id == IdGeneration.Sequence).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (SequenceRules.Load(State(rules.Name), peer).Remaining >= LowWater) continue;
            try { await db.CommitSystemAsync(SystemCollections.Sequences, rules.Name, new DocumentIntent.AllocateBlock(peer, SequenceRules.BlockSize), cancellation).ConfigureAwait(false); }
            catch (CausewayException) { return; }   // closing or dropped: the peer asks when it needs one
        }
    }

    /// <summary>Off the home: asks for the next block while ids are still left (one ask at a time per
    /// collection: the routing shares concurrent asks for the same thing).</summary>
    private async Task RefillAsync(string collection, string me)
    {
        var schema = db.SchemaAt(db.Position).Schema;
        if ((schema.Home ?? me) == me) return;
        try { await routing.AskAsync(new Reservation(Reservation.Block, collection, "", "", BoundSide.Lower, SequenceRules.BlockSize), Reservations.RelayTimeout).ConfigureAwait(false); }
        catch (CausewayException) { /* the next id that needs a block asks again */ }
    }

    private DocumentState? State(string collection) => db.ReadVersion(SystemCollections.Sequences, collection, db.Position)?.State;
}
