using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>One message of the sync protocol. Every frame is a DAG-CBOR array whose first item
/// names its type; docs/sync-protocol.md is the exact specification.</summary>
public abstract record SyncFrame
{
    public const int ProtocolVersion = 1;

    /// <summary>Frames above this size are refused before they are read: the largest document (16 MiB)
    /// with its commit fits in one frame with room to spare.</summary>
    public const int MaxBytes = 40 << 20;
}

/// <summary>Opens a session: who I am, what I hold, whether I will send and whether I want to receive.</summary>
public sealed record HelloFrame(int Version, string Database, string Replica, byte[] Nonce, VersionVector Clock, bool Sends, bool Wants, Subscription Holds) : SyncFrame;

/// <summary>The sender's signature over the peer's nonce: it holds the key of the DID it named.</summary>
public sealed record ProofFrame(byte[] Signature) : SyncFrame;

/// <summary>Commits in causal order, each with the blocks of its operations.</summary>
public sealed record CommitsFrame(IReadOnlyList<ShippedCommit> Commits) : SyncFrame;

/// <summary>The receiver's clock after applying what it got: the sender's flow control and resume point.
/// <paramref name="Ready"/> is the latest ready mark the receiver got from the sender, if any: a ready
/// can be lost like any frame, and this is how its sender learns that it arrived.</summary>
public sealed record AckFrame(VersionVector Clock, VersionVector? Ready = null) : SyncFrame;

/// <summary>Everything the sender held when it reached the end of its backlog has been sent; its clock then.</summary>
public sealed record ReadyFrame(VersionVector Clock) : SyncFrame;

/// <summary>The session ends: why, with a stable code.</summary>
public sealed record ErrorFrame(string Code, string Message) : SyncFrame;

/// <summary>Asks the peer for something only one replica may hold at a time (DESIGN.md, Invariants):
/// rights over a bounded counter, a unique value, a block of sequence numbers. The peer answers with
/// an <see cref="AnswerFrame"/> of the same <paramref name="Id"/>; what it grants arrives as a commit.
/// <paramref name="Relayed"/>: asked on another replica's behalf; such an ask is never relayed again,
/// so asks cannot go round a ring of replicas.</summary>
public sealed record AskFrame(long Id, Reservation What, bool Relayed = false) : SyncFrame;

/// <summary>The answer to an <see cref="AskFrame"/>: how much was granted (0 when nothing) and the
/// commit that grants it, or why not (a stable error code).</summary>
public sealed record AnswerFrame(long Id, long Granted, Cid? Commit, string? Code, string Detail) : SyncFrame;

/// <summary>A commit block and its operation blocks, in the commit's order. A projection has null
/// for the operations the receiver does not hold.</summary>
public sealed record ShippedCommit(byte[] Block, IReadOnlyList<byte[]?> OpBlocks)
{
    public int ByteSize => Block.Length + OpBlocks.Sum(o => o?.Length ?? 0);
}

/// <summary>Encodes and decodes frames. Decoding refuses anything not shaped exactly like a frame,
/// with <see cref="SyncRefusedException"/>, so a garbage frame ends the session and nothing else.</summary>
public static class SyncFrameCodec
{
    public static byte[] Encode(SyncFrame frame, DagCborWriter? scratch = null)
    {
        var w = scratch ?? new DagCborWriter();
        w.Reset();
        switch (frame)
        {
            case HelloFrame h:
                w.WriteStartArray(9);
                w.WriteText("hello");
                w.WriteInt64(h.Version);
                w.WriteText(h.Database);
                w.WriteText(h.Replica);
                w.WriteBytes(h.Nonce);
                WriteClock(w, h.Clock);
                w.WriteBoolean(h.Sends);
                w.WriteBoolean(h.Wants);
                h.Holds.Write(w);
                break;
            case ProofFrame p:
                w.WriteStartArray(2);
                w.WriteText("proof");
                w.WriteBytes(p.Signature);
                break;
            case CommitsFrame c:
                w.WriteStartArray(2);
                w.WriteText("commits");
                w.WriteStartArray(c.Commits.Count);
                foreach (var commit in c.Commits)
                {
                    w.WriteStartArray(2);
                    w.WriteBytes(commit.Block);
                    w.WriteStartArray(commit.OpBlocks.Count);
                    foreach (var op in commit.OpBlocks)
                        if (op is null) w.WriteNull(); else w.WriteBytes(op);
                    w.WriteEndArray();
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                break;
            case AckFrame a:
                w.WriteStartArray(a.Ready is null ? 2 : 3);
                w.WriteText("ack");
                WriteClock(w, a.Clock);
                if (a.Ready is not null) WriteClock(w, a.Ready);
                break;
            case ReadyFrame r:
                w.WriteStartArray(2);
                w.WriteText("ready");
                WriteClock(w, r.Clock);
                break;
            case AskFrame a:
                w.WriteStartArray(a.Relayed ? 9 : 8);
                w.WriteText("ask");
                w.WriteInt64(a.Id);
                w.WriteText(a.What.Kind);
                w.WriteText(a.What.Collection);
                w.WriteText(a.What.Id);
                w.WriteText(a.What.Path);
                w.WriteInt64((long)a.What.Side);
                w.WriteInt64(a.What.Amount);
                if (a.Relayed) w.WriteBoolean(true);
                break;
            case AnswerFrame a:
                w.WriteStartArray(6);
                w.WriteText("answer");
                w.WriteInt64(a.Id);
                w.WriteInt64(a.Granted);
                if (a.Commit is { } cid) w.WriteLink(cid); else w.WriteNull();
                if (a.Code is null) w.WriteNull(); else w.WriteText(a.Code);
                w.WriteText(a.Detail);
                break;
            case ErrorFrame e:
                w.WriteStartArray(3);
                w.WriteText("error");
                w.WriteText(e.Code);
                w.WriteText(e.Message);
                break;
            default:
                throw new ArgumentException($"Unknown frame {frame.GetType().Name}.", nameof(frame));
        }
        w.WriteEndArray();
        return w.Encode();
    }

    public static SyncFrame Decode(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > SyncFrame.MaxBytes) throw Refuse($"a frame of {bytes.Length} bytes is over the limit of {SyncFrame.MaxBytes}");
        try
        {
            var r = new DagCborReader(bytes);
            int n = r.ReadStartArray();
            if (n < 1) throw Refuse("an empty frame");
            string type = r.ReadText();
            SyncFrame frame = (type, n) switch
            {
                ("hello", 9) => new HelloFrame((int)r.ReadInt64(), r.ReadText(), r.ReadText(), r.ReadBytes(), ReadClock(r), r.ReadBoolean(), r.ReadBoolean(), Subscription.Read(r)),
                ("proof", 2) => new ProofFrame(r.ReadBytes()),
                ("commits", 2) => new CommitsFrame(ReadCommits(r)),
                ("ack", 2) => new AckFrame(ReadClock(r)),
                ("ack", 3) => new AckFrame(ReadClock(r), ReadClock(r)),
                ("ready", 2) => new ReadyFrame(ReadClock(r)),
                ("error", 3) => new ErrorFrame(r.ReadText(), r.ReadText()),
                ("ask", 8) => ReadAsk(r, relayedItem: false),
                ("ask", 9) => ReadAsk(r, relayedItem: true),
                ("answer", 6) => new AnswerFrame(r.ReadInt64(), r.ReadInt64(), ReadOptional(r, r.ReadLink), ReadOptional(r, r.ReadText), r.ReadText()),
                _ => throw Refuse($"an unknown frame '{Documents.Names.Clip(type)}' with {n} items"),
            };
            r.ReadEndArray();
            r.ReadEnd();
            return frame;
        }
        catch (SyncRefusedException) { throw; }
        catch (Exception e) when (e is CausewayException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw Refuse($"a frame that does not decode ({e.Message})");
        }
    }

    /// <summary>What a replica signs to prove it holds its key: the peer's fresh nonce, bound to the database and the signer.</summary>
    public static byte[] ProofPayload(string database, byte[] peerNonce, string signer)
    {
        var w = new DagCborWriter();
        w.WriteStartArray(4);
        w.WriteText("causeway-sync/1");
        w.WriteText(database);
        w.WriteBytes(peerNonce);
        w.WriteText(signer);
        w.WriteEndArray();
        return w.Encode();
    }

    private static AskFrame ReadAsk(DagCborReader r, bool relayedItem)
    {
        long id = r.ReadInt64();
        string kind = r.ReadText(), collection = r.ReadText(), doc = r.ReadText(), path = r.ReadText();
        long side = r.ReadInt64(), amount = r.ReadInt64();
        if (kind is not (Reservation.Rights or Reservation.Value or Reservation.Block)) throw Refuse($"an ask for an unknown kind '{Documents.Names.Clip(kind)}'");
        if (side is not (0 or 1)) throw Refuse("an ask with a side other than 0 or 1");
        if (amount < 1) throw Refuse("an ask for less than 1");
        if (relayedItem && !r.ReadBoolean()) throw Refuse("an ask whose relayed mark is false (it is left out instead)");
        return new AskFrame(id, new Reservation(kind, collection, doc, path, (Crdt.BoundSide)side, amount), relayedItem);
    }

    private static T? ReadOptional<T>(DagCborReader r, Func<T> read) where T : class
    {
        if (r.PeekKind() != DagCborKind.Null) return read();
        r.ReadNull();
        return null;
    }

    private static Cid? ReadOptional(DagCborReader r, Func<Cid> read)
    {
        if (r.PeekKind() != DagCborKind.Null) return read();
        r.ReadNull();
        return null;
    }

    private static IReadOnlyList<ShippedCommit> ReadCommits(DagCborReader r)
    {
        int n = r.ReadStartArray();
        var commits = new ShippedCommit[n];
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 2) throw Refuse("a shipped commit is not [block, [operation blocks]]");
            var block = r.ReadBytes();
            int m = r.ReadStartArray();
            var ops = new byte[]?[m];
            for (int j = 0; j < m; j++)
            {
                if (r.PeekKind() == DagCborKind.Null) r.ReadNull();
                else ops[j] = r.ReadBytes();
            }
            r.ReadEndArray();
            r.ReadEndArray();
            commits[i] = new ShippedCommit(block, ops);
        }
        r.ReadEndArray();
        return commits;
    }

    /// <summary>A clock travels as [[did, seq]…], sorted by DID, each seq ≥ 1.</summary>
    internal static void WriteClock(DagCborWriter w, VersionVector clock)
    {
        var entries = clock.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        w.WriteStartArray(entries.Count);
        foreach (var (did, seq) in entries)
        {
            w.WriteStartArray(2);
            w.WriteText(did);
            w.WriteInt64(seq);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    internal static VersionVector ReadClock(DagCborReader r)
    {
        int n = r.ReadStartArray();
        var clock = new VersionVector();
        string? previous = null;
        for (int i = 0; i < n; i++)
        {
            if (r.ReadStartArray() != 2) throw Refuse("a clock entry is not [did, seq]");
            string did = r.ReadText();
            long seq = r.ReadInt64();
            r.ReadEndArray();
            if (seq < 1) throw Refuse("a clock entry has a seq below 1");
            if (previous is not null && string.CompareOrdinal(previous, did) >= 0) throw Refuse("clock entries are not sorted and distinct");
            clock.Set(did, seq);
            previous = did;
        }
        r.ReadEndArray();
        return clock;
    }

    private static SyncRefusedException Refuse(string what) => new($"The peer sent {what}.");
}
