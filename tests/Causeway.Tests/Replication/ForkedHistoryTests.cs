using Causeway.Errors;
using Causeway.Replication;
using Causeway.Tests.Support;

namespace Causeway.Tests.Replication;

/// <summary>A replica restored without its fence signs a seq a peer already holds another commit of
/// its for: sync between the two ends promptly with forked_history on both sides, and neither side
/// applies the other's forked commits.</summary>
public sealed class ForkedHistoryTests
{
    private sealed record Fork(Replica Peer, Replica Forked, string Did, long Signed, long ForkedSeq) : IAsyncDisposable
    {
        public Database PeerShop => Peer.GetDatabase("shop");
        public Database ForkedShop => Forked.GetDatabase("shop");

        public async ValueTask DisposeAsync()
        {
            await Forked.DisposeAsync();
            await Peer.DisposeAsync();
        }
    }

    /// <summary>Replica "data" signs commits, is backed up, signs three more that reach the peer, and is
    /// restored without its fence into "careless", which at once signs a seq the peer holds.</summary>
    private static async Task<Fork> ForkAsync(TempFolder folder)
    {
        string data = Path.Combine(folder.Path, "data"), backup = Path.Combine(folder.Path, "backup"), careless = Path.Combine(folder.Path, "careless");
        var peer = await Replica.OpenAsync(Path.Combine(folder.Path, "peer"));
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
        var forked = await Replica.OpenAsync(careless);
        var forkedShop = forked.GetDatabase("shop");
        await forkedShop.PutJsonAsync("orders", "fork", "{}");
        long forkedSeq = (await forkedShop.InfoAsync()).Clock[did];
        Assert.True(forkedSeq < signed, "the unfenced restore should sign a seq the peer holds another commit for");
        return new Fork(peer, forked, did, signed, forkedSeq);
    }

    private static async Task AssertNothingCrossedAsync(Fork fork)
    {
        Assert.Null(await fork.PeerShop.GetAsync("orders", "fork"));
        Assert.Equal(fork.Signed, (await fork.PeerShop.InfoAsync()).Clock[fork.Did]);
        Assert.Null(await fork.ForkedShop.GetAsync("orders", "o-3"));
        Assert.Equal(fork.ForkedSeq, (await fork.ForkedShop.InfoAsync()).Clock[fork.Did]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forked_history_ends_the_sync_with_forked_history_instead_of_hanging(bool restoredDials)
    {
        using var folder = new TempFolder();
        await using var fork = await ForkAsync(folder);

        var sync = restoredDials ? fork.ForkedShop.SyncWithAsync(fork.PeerShop) : fork.PeerShop.SyncWithAsync(fork.ForkedShop);
        var error = await Assert.ThrowsAsync<ForkedHistoryException>(() => sync.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCodes.ForkedHistory, error.Code);
        Assert.Contains(fork.Did, error.Message);
        Assert.Contains($"seq {fork.ForkedSeq}", error.Message);
        await AssertNothingCrossedAsync(fork);
    }

    [Fact]
    public async Task A_continuous_link_over_a_forked_history_shows_forked_history_as_its_last_error()
    {
        using var folder = new TempFolder();
        await using var fork = await ForkAsync(folder);

        await using var link = fork.ForkedShop.Replicate(ct =>
        {
            var (here, there) = InProcessChannel.CreatePair();
            _ = fork.PeerShop.AcceptSyncAsync(there, SyncPermission.All, cancellation: ct).ContinueWith(t => { _ = t.Exception; }, TaskScheduler.Default);
            return Task.FromResult<ISyncChannel>(here);
        }, "peer");
        await Deadline.UntilAsync(() => link.Status.LastError?.Contains("signed two different commits") == true, TimeSpan.FromSeconds(20), () => $"the link to report the fork (last error: {link.Status.LastError ?? "none"})");
        Assert.Contains(fork.Did, link.Status.LastError);
        await AssertNothingCrossedAsync(fork);
    }
}
