using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;

namespace Causeway.Invariants;

/// <summary>Answers a peer's ask by a commit of this replica's: rights it can spare over a counter,
/// the reservation of a unique value it holds, or (on the home replica) a block of sequence ids. A
/// replica that holds too little asks its own other peers first, once (a relay toward the holder).</summary>
internal sealed class Grants(StoredDatabase db, Holdings holdings, AskRouting routing, bool relayAsks)
{
    /// <summary>Answers a peer's ask: grants what this replica can spare by a commit, or says why not.</summary>
    public async Task<Answer> AnswerAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var answer = await DecideAsync(from, ask, cancellation).ConfigureAwait(false);
        Telemetry.Instruments.RightsGrants.Add(1, Telemetry.Instruments.Outcome(answer.Granted > 0));
        return answer;
    }

    private async Task<Answer> DecideAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        try
        {
            if (what.Kind == Reservation.Value) return await HandOverAsync(from, ask, cancellation).ConfigureAwait(false);
            if (what.Kind == Reservation.Block) return await AllocateAsync(from, ask, cancellation).ConfigureAwait(false);
            var (granted, commit) = await GrantRightsAsync(from, what, relay: !ask.Relayed && relayAsks, cancellation).ConfigureAwait(false);
            return granted > 0
                ? new Answer(ask.Id, granted, commit, null, $"granted {granted}")
                : new Answer(ask.Id, 0, null, ErrorCodes.InsufficientRights, $"this replica holds none of {what} to spare");
        }
        catch (CausewayException e)
        {
            return new Answer(ask.Id, 0, null, e.Code, e.Message);
        }
    }

    private async Task<(long Granted, Cid? Commit)> GrantRightsAsync(IReservationPeer from, Reservation what, bool relay, CancellationToken cancellation)
    {
        if (from.PeerDid is not { } peer) return (0, null);
        var (rule, held) = holdings.RightsHeld(what);
        if (rule is null) return (0, null);
        if (held < what.Amount && relay)
        {
            // Too little here: ask the other peers on the asker's behalf (once), then grant what came.
            await routing.AskAsync(what with { Amount = (long)Int128.Min(long.MaxValue, what.Amount - Int128.Max(held, 0)) }, Reservations.RelayTimeout, except: from).ConfigureAwait(false);
            (_, held) = holdings.RightsHeld(what);
        }
        if (held <= 0) return (0, null);
        // Hand over what was asked, and half of what is left besides: the asker is where rights are
        // being spent, and a generous grant saves the next ask.
        Int128 grant = Int128.Min(held, what.Amount + (held - what.Amount) / 2);
        long amount = (long)Int128.Min(grant, long.MaxValue);
        var result = await db.CommitSystemAsync(what.Collection, what.Id, new DocumentIntent.TransferRights(what.Path, peer, what.Side, amount), cancellation).ConfigureAwait(false);
        return (amount, result.Commit);
    }

    /// <summary>Hands a unique value's reservation to the asking replica, if this one holds it (or
    /// can get it from its own peers) and no other live document uses the value.</summary>
    private async Task<Answer> HandOverAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        if (from.PeerDid is not { } peer || !Names.IsDocumentId(what.Id) || !what.Id.StartsWith(what.Collection + ".", StringComparison.Ordinal))
            return Refused(ask, $"{what} names no reservation");
        // Without the schema that reserves the value, this replica would take itself for its holder
        // (no home, no ranges known): it hands over nothing until the schema reaches it.
        if (UniqueRules.Parse(db.SchemaAt(db.Position).Schema, what.Id).Collection is null)
            return Refused(ask, $"this replica does not have the schema that reserves {what.Id} yet");
        if (holdings.HolderOf(what.Id) != db.ReplicaDid)
        {
            if (ask.Relayed || !relayAsks) return Refused(ask, $"this replica does not hold {what.Id}");
            var relayed = await routing.AskAsync(what, Reservations.RelayTimeout, except: from).ConfigureAwait(false);
            if (!relayed.IsGranted) return new Answer(ask.Id, 0, null, relayed.Code ?? ErrorCodes.ReservationUnavailable, relayed.Detail);
        }
        var result = await db.CommitSystemAsync(SystemCollections.Reservations, what.Id, new DocumentIntent.HandOver(peer, what.Path), cancellation).ConfigureAwait(false);
        return new Answer(ask.Id, 1, result.Commit, null, $"{what.Id} handed over");
    }

    /// <summary>The home replica allocates a block of a sequence to the asking replica.</summary>
    private async Task<Answer> AllocateAsync(IReservationPeer from, Ask ask, CancellationToken cancellation)
    {
        var what = ask.What;
        var schema = db.SchemaAt(db.Position).Schema;
        if (from.PeerDid is not { } peer || schema.For(what.Collection) is not { Id: IdGeneration.Sequence })
            return Refused(ask, $"'{Names.Clip(what.Collection)}' has no sequence");
        if (schema.Home != db.ReplicaDid)
            return Refused(ask, $"only the home replica {schema.Home} hands out blocks of '{what.Collection}'");
        long size = Math.Clamp(what.Amount, 1, 100_000);
        var result = await db.CommitSystemAsync(SystemCollections.Sequences, what.Collection, new DocumentIntent.AllocateBlock(peer, size), cancellation).ConfigureAwait(false);
        return new Answer(ask.Id, size, result.Commit, null, $"a block of {size}");
    }

    private static Answer Refused(Ask ask, string detail) => new(ask.Id, 0, null, ErrorCodes.ReservationUnavailable, detail);
}
