using Causeway.Errors;
using Causeway.Tests.Support;

namespace Causeway.Tests.Replication;

/// <summary>A replica restored without its fence signs a seq a peer already holds another commit of
/// its for: sync between the two ends promptly with forked_history on both sides, and neither side
/// applies the other's forked commits.</summary>
public sealed class ForkedHistoryTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forked_history_ends_the_sync_with_forked_history_instead_of_hanging(bool restoredDials)
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup"), careless = Path.Combine(folder.Path, "careless");
        await using var peer = await Replica.OpenAsync(Path.Combine(folder.Path, "peer"));
        var peerShop = await peer.CreateDatabaseAsync("shop");
        string did;
        long signed;
        await using (var replica = await Replica.OpenAsync(data))
        {
            did = replica.Did;
            var shop = await replica.CreateDatabaseAsync("shop");
            for (int i = 0; i < 3; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await replica.BackupAsync(backup);
            for (int i = 3; i < 6; i++) await shop.PutJsonAsync("orders", $"o-{i}", "{}");
            await shop.SyncWithAsync(peerShop).WaitAsync(TimeSpan.FromSeconds(20));
            signed = (await shop.InfoAsync()).Clock[did];
        }
        Assert.Equal(signed, (await peerShop.InfoAsync()).Clock[did]);

        await Replica.RestoreAsync(backup, careless, fence: false);
        await using var forked = await Replica.OpenAsync(careless);
        var forkedShop = forked.GetDatabase("shop");
        await forkedShop.PutJsonAsync("orders", "fork", "{}");
        long forkedSeq = (await forkedShop.InfoAsync()).Clock[did];
        Assert.True(forkedSeq < signed, "the unfenced restore should sign a seq the peer holds another commit for");

        var sync = restoredDials ? forkedShop.SyncWithAsync(peerShop) : peerShop.SyncWithAsync(forkedShop);
        var error = await Assert.ThrowsAsync<ForkedHistoryException>(() => sync.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCodes.ForkedHistory, error.Code);
        Assert.Contains(did, error.Message);
        Assert.Contains($"seq {forkedSeq}", error.Message);

        // Nothing of either fork crossed over.
        Assert.Null(await peerShop.GetAsync("orders", "fork"));
        Assert.Equal(signed, (await peerShop.InfoAsync()).Clock[did]);
        Assert.Null(await forkedShop.GetAsync("orders", "o-3"));
        Assert.Equal(forkedSeq, (await forkedShop.InfoAsync()).Clock[did]);
    }
}
