using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Causeway.Clocks;

/// <summary>Where a replica's randomness comes from: sync session nonces, the jitter of reconnect
/// backoff, the random bits of UUIDv7 ids. A replica takes its source from
/// <see cref="ReplicaOptions.Random"/> and nothing else in the engine draws randomness of its own:
/// <see cref="System"/> is the one place that reads the system's generator, and
/// <see cref="Seeded"/> is what the simulator gives each replica, so a seed replays. Thread-safe.</summary>
public abstract class RandomSource
{
    /// <summary>The system's cryptographically secure generator (the default).</summary>
    public static RandomSource System { get; } = new Cryptographic();

    /// <summary>A deterministic source: the same seed gives the same bytes, in the same order. For
    /// simulation and tests only, since its nonces can be predicted.</summary>
    public static RandomSource Seeded(int seed) => new Deterministic(seed);

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public abstract void Fill(Span<byte> buffer);

    /// <summary>A new array of <paramref name="count"/> random bytes.</summary>
    public byte[] GetBytes(int count)
    {
        var bytes = new byte[count];
        Fill(bytes);
        return bytes;
    }

    /// <summary>A number in [0, 1), from 53 random bits.</summary>
    public double NextDouble()
    {
        Span<byte> bytes = stackalloc byte[8];
        Fill(bytes);
        return (BinaryPrimitives.ReadUInt64LittleEndian(bytes) >> 11) * (1.0 / (1UL << 53));
    }

    private sealed class Cryptographic : RandomSource
    {
        public override void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
    }

    private sealed class Deterministic(int seed) : RandomSource
    {
        private readonly Random _random = new(seed);
        private readonly Lock _lock = new();

        public override void Fill(Span<byte> buffer)
        {
            lock (_lock) _random.NextBytes(buffer); // a Random is not thread-safe
        }
    }
}
