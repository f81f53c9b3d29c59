using Causeway.Tests.Support;

namespace Causeway.Tests.Storage;

/// <summary><see cref="ReplicaOptions.StoreCacheBytes"/>: the store's block cache is the replica's to size.</summary>
public sealed class StoreCacheTests
{
    [Fact]
    public async Task A_replica_opens_with_the_cache_it_is_given_and_refuses_one_below_a_mebibyte()
    {
        Assert.Equal(64L << 20, new ReplicaOptions().StoreCacheBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaOptions { StoreCacheBytes = 1000 });
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path, new ReplicaOptions { StoreCacheBytes = 256L << 20 });
        var db = await replica.CreateDatabaseAsync("d");
        await db.PutJsonAsync("c", "a", """{ "k": 1 }""");
        Assert.Equal(1, (await db.GetAsync("c", "a"))!.Fields.Get("k")!.AsInt());
    }
}
