using System.Collections.Concurrent;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Server.Access;

/// <summary>Remembers the invocations already used, by CID, until their <c>exp</c> plus
/// <see cref="ProofChain.ClockSkew"/>: an invocation is good for one request. An invocation expires
/// at most <see cref="UcanAuthenticator.MaxInvocationLifetime"/> ahead, so what is remembered is the
/// last ten minutes or so of invocations, and never more than <paramref name="capacity"/> of them:
/// past that, new invocations are refused (429) until old ones expire, rather than forgotten early.</summary>
public sealed class ReplayGuard(int capacity)
{
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<Cid, long> _used = new();
    private readonly Lock _sweep = new();
    private int _sinceSweep;

    public int Count => _used.Count;

    /// <summary>Records the use of <paramref name="invocation"/> at <paramref name="now"/>.</summary>
    /// <exception cref="UcanException"><see cref="UcanError.Replayed"/> when it was used before.</exception>
    /// <exception cref="RateLimitedException">Too many invocations are remembered to take another.</exception>
    public void Use(Cid invocation, long expiration, long now)
    {
        if (Interlocked.Increment(ref _sinceSweep) >= SweepEvery || _used.Count >= capacity) Sweep(now);
        if (_used.Count >= capacity)
            throw new RateLimitedException($"More than {capacity:N0} invocations were used in the last {UcanAuthenticator.MaxInvocationLifetime.TotalMinutes:N0} minutes; retry shortly, or use a session delegation.", TimeSpan.FromSeconds(1));
        if (!_used.TryAdd(invocation, expiration + (long)ProofChain.ClockSkew.TotalSeconds))
            throw new UcanException(UcanError.Replayed, $"Invocation {invocation} was already used; each invocation is good for one request.", invocation.ToString());
    }

    private void Sweep(long now)
    {
        if (!_sweep.TryEnter()) return;
        try
        {
            Interlocked.Exchange(ref _sinceSweep, 0);
            foreach (var (cid, until) in _used)
                if (until < now) _used.TryRemove(cid, out _);
        }
        finally { _sweep.Exit(); }
    }
}
