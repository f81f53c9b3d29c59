using System.Diagnostics.Tracing;

namespace Causeway.Bench;

/// <summary>Which types a piece of work allocates, from the runtime's own sampling: the GC reports
/// an AllocationTick event about every 100 KB allocated, naming the type that crossed the mark, so
/// the counts per type are a fair sample of where the bytes go (types are what the profile can
/// name without a stack walk).</summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        int name = e.PayloadNames!.IndexOf("TypeName"), amount = e.PayloadNames.IndexOf("AllocationAmount64");
        if (name < 0 || e.Payload[name] is not string type) return;
        long bytes = amount >= 0 && e.Payload[amount] is ulong a ? (long)a : 100_000;
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + bytes;
    }

    /// <summary>The types that took the most sampled bytes, with their share of all sampled bytes.</summary>
    public IReadOnlyList<(string Type, double Share)> Top(int count)
    {
        lock (_bytes)
        {
            double total = _bytes.Values.Sum();
            return total == 0 ? [] : [.. _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value / total))];
        }
    }
}
