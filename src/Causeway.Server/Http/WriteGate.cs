using Causeway.Errors;

namespace Causeway.Server.Http;

/// <summary>Back-pressure: at most N writes in flight; past that a write is refused at once with
/// 429 and Retry-After, rather than queued without limit.</summary>
internal sealed class WriteGate(int limit)
{
    private static readonly System.Diagnostics.Metrics.Counter<long> Refused = Telemetry.Instruments.Meter.CreateCounter<long>(
        "causeway.http.rate_limited", "{request}", "Writes refused with 429 because too many were in flight.");

    private int _inFlight;

    /// <summary>Writes holding a slot now (0 when none is in flight: every slot was released).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public Lease Enter()
    {
        if (Interlocked.Increment(ref _inFlight) > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            Refused.Add(1);
            throw new RateLimitedException($"More than {limit} writes are in flight; retry shortly.", TimeSpan.FromSeconds(1));
        }
        return new Lease(this);
    }

    public readonly struct Lease(WriteGate gate) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref gate._inFlight);
    }
}
