namespace Causeway.Simulator;

/// <summary>An encoded frame on the wire, and when it arrives.</summary>
public readonly record struct FrameInFlight(long DueAt, bool ToAcceptor, byte[] Bytes);

/// <summary>The wire between two replicas that hold a session pair: the initiator's side and the
/// acceptor's side, a latency of its own, and the frames on their way in both directions.</summary>
public sealed class SimulatedLink(int index, int initiator, int acceptor, int latency)
{
    public int Index { get; } = index;
    public int Initiator { get; } = initiator;
    public int Acceptor { get; } = acceptor;
    public int Latency { get; } = latency;

    /// <summary>A partitioned link loses every frame, including those already on the wire.</summary>
    public bool Partitioned { get; set; }

    internal List<FrameInFlight> InFlight { get; } = [];

    public bool Touches(int replica) => Initiator == replica || Acceptor == replica;

    public override string ToString() => $"link {Index} ({Initiator}→{Acceptor})";
}

/// <summary>The links of one run. Frames are lost, duplicated and delayed by chance; since each
/// frame gets its own delay and <see cref="TryTakeDue"/> picks any frame whose time has come,
/// frames also overtake each other. Every choice comes from the run's seeded random.</summary>
public sealed class SimulatedNetwork(Random random, SimulationOptions options, IReadOnlyList<SimulatedLink> links)
{
    public IReadOnlyList<SimulatedLink> Links { get; } = links;
    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }

    public int InFlightCount => Links.Sum(l => l.InFlight.Count);

    /// <summary>When the next frame arrives (null: none on the wire).</summary>
    public long? NextDueAt()
    {
        long? next = null;
        foreach (var link in Links)
            foreach (var frame in link.InFlight)
                if (next is null || frame.DueAt < next) next = frame.DueAt;
        return next;
    }

    public void Send(SimulatedLink link, bool toAcceptor, byte[] bytes, long now)
    {
        Sent++;
        if (link.Partitioned || random.NextDouble() < options.DropRate) { Dropped++; return; }
        link.InFlight.Add(new FrameInFlight(now + Delay(link), toAcceptor, bytes));
        if (random.NextDouble() < options.DuplicateRate)
        {
            Duplicated++;
            link.InFlight.Add(new FrameInFlight(now + Delay(link), toAcceptor, bytes));
        }
    }

    /// <summary>Takes one frame whose time has come, chosen at random among all such frames.</summary>
    public bool TryTakeDue(long now, out SimulatedLink link, out FrameInFlight frame)
    {
        int due = 0;
        foreach (var l in Links)
            foreach (var f in l.InFlight)
                if (f.DueAt <= now) due++;
        link = null!;
        frame = default;
        if (due == 0) return false;
        int pick = random.Next(due);
        foreach (var l in Links)
        {
            for (int i = 0; i < l.InFlight.Count; i++)
            {
                if (l.InFlight[i].DueAt > now || pick-- > 0) continue;
                link = l;
                frame = l.InFlight[i];
                l.InFlight.RemoveAt(i);
                return true;
            }
        }
        throw new InvalidOperationException("unreachable: a due frame was counted but not found");
    }

    /// <summary>The session pair on this link ended (closed, or a side crashed): what was on the wire is lost.</summary>
    public void Clear(SimulatedLink link)
    {
        Dropped += link.InFlight.Count;
        link.InFlight.Clear();
    }

    /// <summary>The links of a topology over replicas 0…n-1, with a random initiator side and latency each.</summary>
    public static IReadOnlyList<SimulatedLink> Wire(Topology topology, int replicas, Random random, int maxLatency)
    {
        var order = Enumerable.Range(0, replicas).ToArray();
        random.Shuffle(order);
        var pairs = new List<(int, int)>();
        switch (topology)
        {
            case Topology.Mesh:
                for (int a = 0; a < replicas; a++)
                    for (int b = a + 1; b < replicas; b++) pairs.Add((a, b));
                break;
            case Topology.Star:
                for (int i = 1; i < replicas; i++) pairs.Add((order[0], order[i]));
                break;
            case Topology.Chain:
            case Topology.Ring:
                for (int i = 1; i < replicas; i++) pairs.Add((order[i - 1], order[i]));
                if (topology == Topology.Ring && replicas > 2) pairs.Add((order[^1], order[0]));
                break;
        }
        return [.. pairs.Select((p, i) => random.Next(2) == 0
            ? new SimulatedLink(i, p.Item1, p.Item2, 1 + random.Next(maxLatency))
            : new SimulatedLink(i, p.Item2, p.Item1, 1 + random.Next(maxLatency)))];
    }

    /// <summary>The links of an owned run: <paramref name="topology"/> over the honest replicas 0…n-2,
    /// so they stay connected without the intruder (replica n-1), which is linked to every honest
    /// replica in a mesh and to 1 to n-1 of them otherwise: its commits reach the others only relayed.</summary>
    public static IReadOnlyList<SimulatedLink> WireWithIntruder(Topology topology, int replicas, Random random, int maxLatency)
    {
        var links = Wire(topology, replicas - 1, random, maxLatency).ToList();
        int intruder = replicas - 1;
        var peers = Enumerable.Range(0, replicas - 1).ToArray();
        random.Shuffle(peers);
        int count = topology == Topology.Mesh ? peers.Length : 1 + random.Next(peers.Length);
        foreach (int peer in peers[..count])
        {
            int latency = 1 + random.Next(maxLatency);
            links.Add(random.Next(2) == 0 ? new SimulatedLink(links.Count, intruder, peer, latency) : new SimulatedLink(links.Count, peer, intruder, latency));
        }
        return links;
    }

    private long Delay(SimulatedLink link) => link.Latency + random.Next(options.Jitter + 1);
}
