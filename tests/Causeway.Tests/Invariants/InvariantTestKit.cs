using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Tests.Invariants;

/// <summary>Two in-memory replicas of one database that can be partitioned (they only exchange
/// commits when a test syncs them), for showing a conflict and how it resolves.</summary>
internal sealed class TwoReplicas : IAsyncDisposable
{
    private TwoReplicas(Replica a, Replica b, Database dbA, Database dbB)
    {
        ReplicaA = a;
        ReplicaB = b;
        A = dbA;
        B = dbB;
    }

    public Replica ReplicaA { get; }
    public Replica ReplicaB { get; }
    public Database A { get; }
    public Database B { get; }

    public static async Task<TwoReplicas> StartAsync(string? schemaJson = null, ReplicaOptions? options = null)
    {
        var a = Replica.OpenInMemory(options);
        var b = Replica.OpenInMemory(options);
        var dbA = await a.CreateDatabaseAsync("shop");
        var dbB = await b.CreateDatabaseAsync("shop");
        if (schemaJson is not null) await dbA.SetSchemaAsync(SchemaJson.Parse(schemaJson));
        var pair = new TwoReplicas(a, b, dbA, dbB);
        await pair.SyncAsync();
        return pair;
    }

    /// <summary>Heals the partition: both sides exchange every commit the other lacks.</summary>
    public async Task SyncAsync() => await A.SyncWithAsync(B, SyncDirection.Both);

    public async ValueTask DisposeAsync()
    {
        await ReplicaA.DisposeAsync();
        await ReplicaB.DisposeAsync();
    }
}

internal static class Doc
{
    public static Value Of(string json) => ValueJson.Parse(json);
}

/// <summary>Waits for something that replication or a grant makes true soon (15 s at most).</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition) => TrueAsync(() => Task.FromResult(condition()));

    public static async Task TrueAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not come true within 15 s.");
            await Task.Delay(20);
        }
    }
}
