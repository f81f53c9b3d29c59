using Causeway.Crdt;
using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>Asks the peer for something only one replica may hold at a time (docs/invariants.md):
/// rights over a bounded counter, a unique value, a block of sequence numbers. The peer answers with
/// an <see cref="AnswerFrame"/> of the same <paramref name="Id"/>; what it grants arrives as a commit.
/// <paramref name="Relayed"/>: asked on another replica's behalf; such an ask is never relayed again,
/// so asks cannot go round a ring of replicas.</summary>
public sealed record AskFrame(long Id, Reservation What, bool Relayed = false) : SyncFrame
{
    internal const string Tag = "ask";

    /// <summary>The relayed mark is an item only when true (a ninth one); an ask on its own behalf has eight.</summary>
    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, Relayed ? 9 : 8);
        w.WriteInt64(Id);
        w.WriteText(What.Kind);
        w.WriteText(What.Collection);
        w.WriteText(What.Id);
        w.WriteText(What.Path);
        w.WriteInt64((long)What.Side);
        w.WriteInt64(What.Amount);
        if (Relayed) w.WriteBoolean(true);
    }

    internal static AskFrame? Read(DagCborReader r, int length)
    {
        if (length is not (8 or 9)) return null;
        long id = r.ReadInt64();
        string kind = r.ReadText(), collection = r.ReadText(), doc = r.ReadText(), path = r.ReadText();
        long side = r.ReadInt64(), amount = r.ReadInt64();
        if (kind is not (Reservation.Rights or Reservation.Value or Reservation.Block)) throw Refusal.PeerSent($"an ask for an unknown kind '{Documents.Names.Clip(kind)}'");
        if (side is not (0 or 1)) throw Refusal.PeerSent("an ask with a side other than 0 or 1");
        if (amount < 1) throw Refusal.PeerSent("an ask for less than 1");
        bool relayed = length == 9;
        if (relayed && !r.ReadBoolean()) throw Refusal.PeerSent("an ask whose relayed mark is false (it is left out instead)");
        return new AskFrame(id, new Reservation(kind, collection, doc, path, (BoundSide)side, amount), relayed);
    }
}
