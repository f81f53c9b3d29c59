using Causeway.Encoding;
using Causeway.Transactions;

namespace Causeway.Quotas;

/// <summary>The documents and bytes a database holds against its quotas, right after the commit at
/// <see cref="Position"/>.</summary>
internal readonly record struct QuotaCount(long Position, long Documents, long Bytes);

/// <summary>How quotas are stored, as records of this replica's own about a database
/// (<see cref="StoreLayout.LocalKey"/>, never replicated): the limits under <c>l quotas</c> as
/// [documents, bytes, writes per second, sync sessions] (null for none), and the running count under
/// <c>l usage</c> as [position, documents, bytes], rewritten in the batch of every commit.</summary>
internal static class QuotaRecords
{
    public const string Limits = "quotas";
    public const string Usage = "usage";

    public static byte[] Encode(QuotaLimits limits, DagCborWriter writer)
    {
        writer.Reset();
        writer.WriteStartArray(4);
        foreach (var limit in new[] { limits.Documents, limits.Bytes, limits.WritesPerSecond, limits.SyncSessions })
            if (limit is { } n) writer.WriteInt64(n); else writer.WriteNull();
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static QuotaLimits DecodeLimits(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        r.ReadStartArray();
        long? Next()
        {
            if (r.PeekKind() != DagCborKind.Null) return r.ReadInt64();
            r.ReadNull();
            return null;
        }
        var limits = new QuotaLimits(Next(), Next(), Next(), Next());
        r.ReadEndArray();
        return limits;
    });

    public static byte[] Encode(QuotaCount count, DagCborWriter writer)
    {
        writer.Reset();
        writer.WriteStartArray(3);
        writer.WriteInt64(count.Position);
        writer.WriteInt64(count.Documents);
        writer.WriteInt64(count.Bytes);
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static QuotaCount DecodeCount(ReadOnlyMemory<byte> bytes) => Stored.Decode(bytes, r =>
    {
        r.ReadStartArray();
        var count = new QuotaCount(r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        r.ReadEndArray();
        return count;
    });
}
