using System.Buffers.Binary;
using Causeway.Clocks;

namespace Causeway.Schemas;

/// <summary>The <c>"uuid"</c> id scheme: RFC 9562 UUIDv7 text with a replica prefix, e.g.
/// "0190f5a2-3b4c-7000-8a1b-2c3d4e5f6071" (lower case, 8-4-4-4-12).
/// Bits, most significant first: 48 unix_ts_ms, 4 version (7), 12 rand_a used as a counter within
/// the millisecond, 2 variant (10), then rand_b: 32 bits of the <see cref="ReplicaTag"/> and 30
/// random bits. Ids from one generator sort strictly increasing (as text and as UUIDs), even within
/// a millisecond or when the clock goes back; the tag keeps two replicas' ids apart whatever their
/// clocks. Time and randomness are injected, so the type is pure. Thread-safe.</summary>
public sealed class UuidIds
{
    public const long MaxMillis = (1L << 48) - 1;
    private const int MaxCounter = (1 << 12) - 1;
    private const uint RandomMask = (1u << 30) - 1;
    private static readonly int[] Groups = [8, 4, 4, 4, 12];

    private readonly Func<long> _unixMillis;
    private readonly Action<Span<byte>> _fillRandom;
    private readonly Lock _lock = new();
    private long _millis = -1;
    private int _counter;

    /// <param name="replicaDid">The DID of the replica that names the documents.</param>
    /// <param name="unixMillis">Milliseconds since the Unix epoch; the system clock by default (a
    /// replica passes its own, <see cref="ReplicaOptions.PhysicalClock"/>).</param>
    /// <param name="fillRandom">Fills a buffer with random bytes; the system CSPRNG by default (a
    /// replica passes its <see cref="ReplicaOptions.Random"/>; a seeded <see cref="Random"/>'s
    /// <c>NextBytes</c> fits, for tests).</param>
    public UuidIds(string replicaDid, Func<long>? unixMillis = null, Action<Span<byte>>? fillRandom = null)
    {
        Tag = ReplicaTag.Of(replicaDid);
        _unixMillis = unixMillis ?? (() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        _fillRandom = fillRandom ?? RandomSource.System.Fill;
    }

    public ReplicaTag Tag { get; }

    public string Next()
    {
        long millis;
        int counter;
        uint random;
        lock (_lock)
        {
            long now = _unixMillis();
            if (now is < 0 or > MaxMillis)
                throw new InvalidOperationException($"The clock reads {now} ms, outside the 48 bits of a UUIDv7 timestamp.");
            if (now > _millis) (_millis, _counter) = (now, 0);
            else if (_counter < MaxCounter) _counter++;
            else
            {
                // Counter spent: borrow the next millisecond rather than repeat or go back.
                if (_millis == MaxMillis) throw new InvalidOperationException("The UUIDv7 timestamp is exhausted.");
                (_millis, _counter) = (_millis + 1, 0);
            }
            (millis, counter) = (_millis, _counter);
            Span<byte> bytes = stackalloc byte[4];
            _fillRandom(bytes); // inside the lock: a System.Random is not thread-safe
            random = BinaryPrimitives.ReadUInt32BigEndian(bytes) & RandomMask;
        }
        ulong high = ((ulong)millis << 16) | 0x7000UL | (uint)counter;
        ulong low = (0b10UL << 62) | ((ulong)Tag.Value << 30) | random;
        return Text(high, low);
    }

    /// <summary>A plain RFC 9562 UUIDv7, as <see cref="Guid.CreateVersion7()"/> makes it (48 bits of
    /// milliseconds, then random bits; no tag, no counter), but from the time and randomness given:
    /// the id of a document created without one where the caller names ids (<see cref="IdGeneration.Client"/>).</summary>
    internal static string Plain(long unixMillis, Action<Span<byte>> fillRandom)
    {
        if (unixMillis is < 0 or > MaxMillis)
            throw new InvalidOperationException($"The clock reads {unixMillis} ms, outside the 48 bits of a UUIDv7 timestamp.");
        Span<byte> bytes = stackalloc byte[10];
        fillRandom(bytes);
        ulong high = ((ulong)unixMillis << 16) | 0x7000UL | (BinaryPrimitives.ReadUInt16BigEndian(bytes) & 0x0FFFUL);
        ulong low = (0b10UL << 62) | (BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]) >> 2);
        return Text(high, low);
    }

    private static string Text(ulong high, ulong low)
        => $"{high >> 32:x8}-{(high >> 16) & 0xFFFF:x4}-{high & 0xFFFF:x4}-{low >> 48:x4}-{low & 0xFFFF_FFFF_FFFF:x12}";

    /// <summary>Reads the time and replica tag back from an id in this scheme (lower-case
    /// canonical text, version 7, variant 10). For tests and debugging.</summary>
    public static bool TryParse(string? id, out DateTimeOffset time, out uint tag)
    {
        time = default;
        tag = 0;
        Span<ulong> g = stackalloc ulong[5];
        if (!LowerHex.TryParseGroups(id, Groups, g)) return false;
        ulong high = (g[0] << 32) | (g[1] << 16) | g[2];
        ulong low = (g[3] << 48) | g[4];
        long millis = (long)(high >> 16);
        if (((high >> 12) & 0xF) != 7 || low >> 62 != 0b10 || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return false;
        time = DateTimeOffset.FromUnixTimeMilliseconds(millis);
        tag = (uint)(low >> 30);
        return true;
    }
}
