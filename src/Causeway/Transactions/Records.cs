using Causeway.Clocks;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Replication;

namespace Causeway.Transactions;

/// <summary>One version of a document: the state after the commit at <see cref="Position"/>.
/// Stored as [position, commit, origin, time, op-index, state], followed by [latest commit, latest
/// origin, latest time] when <see cref="Latest"/> is not the commit that made this version.</summary>
internal sealed class VersionRecord
{
    public required long Position { get; init; }
    public required Cid Commit { get; init; }
    public required string Origin { get; init; }
    public required HlcTimestamp Time { get; init; }

    /// <summary>Which operation of the commit made this version (for history).</summary>
    public required int OpIndex { get; init; }

    /// <summary>The document's causally latest change (what <c>_meta</c> shows): of every commit
    /// that changed it, the one with the highest HLC time, ties broken by origin. A causally later
    /// commit always has a higher HLC time, so replicas that applied the same commits, in whatever
    /// order, agree on it; unset, it is the commit that made this version.</summary>
    public ChangeStamp? LatestChange { get; init; }

    public ChangeStamp Latest => LatestChange ?? new ChangeStamp(Commit, Origin, Time);

    /// <summary>Treated as immutable once the record exists: editors work on a clone.</summary>
    public required DocumentState State { get; init; }

    /// <summary>About how many bytes the state takes, for the document size limit (exact when decoded).</summary>
    public long SizeEstimate { get; init; }

    private Values.Value? _value;

    /// <summary>How many bytes the document's fields take as DAG-CBOR (0 when it is deleted), once a
    /// stage has measured it (-1 until then); the quota stage measures each version once.</summary>
    public long FieldBytes { get; set; } = -1;

    /// <summary>The visible fields, materialized once and shared by every reader.</summary>
    public Values.Value Value => _value ??= State.ToValue();

    /// <summary>The document readers are given for this version, made once (a document is immutable).</summary>
    public Document? Document { get; set; }

    /// <summary><see cref="Document"/> as the completed task <c>GetAsync</c> answers, made once too, so
    /// a read of a cached version allocates no task.</summary>
    public Task<Document?>? DocumentTask { get; set; }

    public byte[] Encode(DagCborWriter writer)
    {
        writer.Reset();
        bool latestElsewhere = LatestChange is { } latest && latest.Commit != Commit;
        writer.WriteStartArray(latestElsewhere ? 9 : 6);
        writer.WriteInt64(Position);
        writer.WriteLink(Commit);
        writer.WriteText(Origin);
        writer.WriteInt64(Time.Raw);
        writer.WriteInt64(OpIndex);
        DocumentStateCodec.Write(writer, State);
        if (latestElsewhere)
        {
            writer.WriteLink(LatestChange!.Value.Commit);
            writer.WriteText(LatestChange.Value.Origin);
            writer.WriteInt64(LatestChange.Value.Time.Raw);
        }
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static VersionRecord Decode(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        int length = r.ReadStartArray();
        long position = r.ReadInt64();
        var commit = r.ReadLink();
        string origin = r.ReadText();
        var time = HlcTimestamp.FromRaw(r.ReadInt64());
        int opIndex = (int)r.ReadInt64();
        var state = DocumentStateCodec.Read(r);
        ChangeStamp? latest = length == 9 ? new ChangeStamp(r.ReadLink(), r.ReadText(), HlcTimestamp.FromRaw(r.ReadInt64())) : null;
        r.ReadEndArray();
        return new VersionRecord
        {
            SizeEstimate = bytes.Length, Position = position, Commit = commit, Origin = origin, Time = time, OpIndex = opIndex, State = state, LatestChange = latest,
        };
    });
}

/// <summary>A commit that changed a document, as its <c>_meta</c> shows it.</summary>
internal readonly record struct ChangeStamp(Cid Commit, string Origin, HlcTimestamp Time)
{
    /// <summary>The later of two changes of one document: the higher HLC time, ties by origin.</summary>
    public static ChangeStamp Later(ChangeStamp a, ChangeStamp b)
    {
        int c = a.Time.CompareTo(b.Time);
        if (c == 0) c = string.CompareOrdinal(a.Origin, b.Origin);
        return c >= 0 ? a : b;
    }
}

/// <summary>A commit as stored: its block, its operation blocks and where it was applied. A partial
/// replica stores null for an operation outside what it holds (the commit still verifies: it signs
/// the operations' hashes).</summary>
internal sealed record CommitRecord(byte[] Block, IReadOnlyList<byte[]?> OpBlocks, long Position)
{
    public bool IsWhole => OpBlocks.All(o => o is not null);

    public byte[] Encode(DagCborWriter writer)
    {
        writer.Reset();
        writer.WriteStartArray(3);
        writer.WriteBytes(Block);
        writer.WriteStartArray(OpBlocks.Count);
        foreach (var op in OpBlocks)
            if (op is null) writer.WriteNull(); else writer.WriteBytes(op);
        writer.WriteEndArray();
        writer.WriteInt64(Position);
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static CommitRecord Decode(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        r.ReadStartArray();
        var block = r.ReadBytes();
        int n = r.ReadStartArray();
        var ops = new byte[]?[n];
        for (int i = 0; i < n; i++)
        {
            if (r.PeekKind() == DagCborKind.Null) r.ReadNull();
            else ops[i] = r.ReadBytes();
        }
        r.ReadEndArray();
        long position = r.ReadInt64();
        r.ReadEndArray();
        return new CommitRecord(block, ops, position);
    });
}


/// <summary>What happened at one position: [commit, local apply time, [[coll, id, deleted]…]].</summary>
internal sealed record PositionRecord(Cid Commit, HlcTimestamp AppliedAt, IReadOnlyList<ChangedDocument> Documents)
{
    public byte[] Encode(DagCborWriter writer)
    {
        writer.Reset();
        writer.WriteStartArray(3);
        writer.WriteLink(Commit);
        writer.WriteInt64(AppliedAt.Raw);
        writer.WriteStartArray(Documents.Count);
        foreach (var d in Documents)
        {
            writer.WriteStartArray(3);
            writer.WriteText(d.Collection);
            writer.WriteText(d.Id);
            writer.WriteBoolean(d.Deleted);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static PositionRecord Decode(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        r.ReadStartArray();
        var commit = r.ReadLink();
        var at = HlcTimestamp.FromRaw(r.ReadInt64());
        int n = r.ReadStartArray();
        var docs = new ChangedDocument[n];
        for (int i = 0; i < n; i++)
        {
            r.ReadStartArray();
            docs[i] = new ChangedDocument(r.ReadText(), r.ReadText(), r.ReadBoolean());
            r.ReadEndArray();
        }
        r.ReadEndArray();
        r.ReadEndArray();
        return new PositionRecord(commit, at, docs);
    });
}

/// <summary>A database's durable summary, rewritten with every batch that touches it:
/// [position, commits, documents, last time, [heads], [[origin, seq]…]], and for a partial replica
/// what it holds as a 7th item.</summary>
internal sealed record DatabaseRecord(long Position, long Commits, long Documents, HlcTimestamp LastTime, IReadOnlyList<Cid> Heads, VersionVector Clock, Subscription Holds)
{
    public static DatabaseRecord Empty => new(0, 0, 0, HlcTimestamp.Zero, [], new VersionVector(), Subscription.Everything);

    public byte[] Encode(DagCborWriter writer)
    {
        writer.Reset();
        writer.WriteStartArray(Holds.IsEverything ? 6 : 7);
        writer.WriteInt64(Position);
        writer.WriteInt64(Commits);
        writer.WriteInt64(Documents);
        writer.WriteInt64(LastTime.Raw);
        writer.WriteStartArray(Heads.Count);
        foreach (var head in Heads) writer.WriteLink(head);
        writer.WriteEndArray();
        VersionVectorCbor.Write(writer, Clock);
        if (!Holds.IsEverything) Holds.Write(writer);
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static DatabaseRecord Decode(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        int items = r.ReadStartArray();
        long position = r.ReadInt64(), commits = r.ReadInt64(), documents = r.ReadInt64();
        var last = HlcTimestamp.FromRaw(r.ReadInt64());
        int n = r.ReadStartArray();
        var heads = new Cid[n];
        for (int i = 0; i < n; i++) heads[i] = r.ReadLink();
        r.ReadEndArray();
        int m = r.ReadStartArray();
        var clock = new VersionVector();
        for (int i = 0; i < m; i++)
        {
            r.ReadStartArray();
            clock.Set(r.ReadText(), r.ReadInt64());
            r.ReadEndArray();
        }
        r.ReadEndArray();
        var holds = items == 7 ? Subscription.Read(r) : Subscription.Everything;
        r.ReadEndArray();
        return new DatabaseRecord(position, commits, documents, last, heads, clock, holds);
    });
}

/// <summary>A version vector as DAG-CBOR, in a stored <see cref="DatabaseRecord"/> and in sync
/// frames alike: [[replica, seq]…], in replica order (ordinal, the order a
/// <see cref="VersionVector"/> keeps). The bytes of both are pinned.</summary>
internal static class VersionVectorCbor
{
    public static void Write(DagCborWriter writer, VersionVector clock)
    {
        writer.WriteStartArray(clock.Count);
        foreach (var (replica, seq) in clock)
        {
            writer.WriteStartArray(2);
            writer.WriteText(replica);
            writer.WriteInt64(seq);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}

internal static class Stored
{
    /// <summary>Decodes a record of our own; a failure means the store was damaged.</summary>
    public static T Decode<T>(ReadOnlyMemory<byte> bytes, Func<DagCborReader, T> read)
    {
        try
        {
            var reader = new DagCborReader(bytes);
            var value = read(reader);
            reader.ReadEnd();
            return value;
        }
        catch (Exception e) when (e is InvalidInputException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new CorruptDataException($"A stored record does not decode: {e.Message}", e);
        }
    }
}
