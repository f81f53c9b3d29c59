using Causeway.Tests.Support;

namespace Causeway.Tests.Durability;

/// <summary>The power-loss model itself, on a file overwritten in place (as RocksDB does to a log it
/// recycles): `dd conv=notrunc` writes into an existing file under the recorder, then the folder is
/// rewound. Bytes written after the last sync covering them come back as the older bytes they
/// replaced, and the file keeps its durable length; synced bytes stay. A lying disk must lose them.</summary>
public sealed class PowerLossModelTests : IDisposable
{
    private const int Block = 512;
    private readonly TempFolder _folder = new();
    private readonly string _root;
    private readonly string _file;

    public PowerLossModelTests()
    {
        _root = Path.Combine(_folder.Path, "data");
        Directory.CreateDirectory(_root);
        // Existing when the recorder starts, so durable as it is: 8 blocks of 'A'.
        _file = Path.Combine(_root, "000007.log");
        File.WriteAllBytes(_file, Filled('A', 8 * Block));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_overwrite_not_synced_leaves_the_older_bytes_and_the_length()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"));
        await OverwriteAsync(powerLoss, 'B', firstBlock: 2, blocks: 2, sync: false);
        Assert.Equal(Expected(('B', 2, 2)), File.ReadAllBytes(_file)); // the page cache has the new bytes

        var inspected = powerLoss.Inspect();
        Assert.Equal(2 * Block, inspected.UnsyncedWalBytes);
        powerLoss.Apply();

        Assert.Equal(Expected(), File.ReadAllBytes(_file));
    }

    [Fact]
    public async Task An_overwrite_synced_keeps_the_new_bytes()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"));
        await OverwriteAsync(powerLoss, 'B', firstBlock: 2, blocks: 2, sync: true);

        Assert.Equal(0, powerLoss.Inspect().UnsyncedWalBytes);
        powerLoss.Apply();

        Assert.Equal(Expected(('B', 2, 2)), File.ReadAllBytes(_file));
    }

    [Fact]
    public async Task Only_the_writes_after_the_last_sync_are_undone_and_an_unsynced_append_is_cut()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"));
        await OverwriteAsync(powerLoss, 'B', firstBlock: 2, blocks: 2, sync: true);
        // Over the synced 'B's and the durable 'A's after them, then past the end: none synced.
        await OverwriteAsync(powerLoss, 'C', firstBlock: 3, blocks: 2, sync: false);
        await OverwriteAsync(powerLoss, 'D', firstBlock: 8, blocks: 2, sync: false);
        await OverwriteAsync(powerLoss, 'E', firstBlock: 3, blocks: 1, sync: false);

        Assert.Equal(5 * Block, powerLoss.Inspect().UnsyncedWalBytes);
        powerLoss.Apply();

        Assert.Equal(Expected(('B', 2, 2)), File.ReadAllBytes(_file));
    }

    [Fact]
    public async Task A_lying_disk_loses_a_synced_overwrite_and_the_check_sees_it()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"), lyingDisk: true);
        await OverwriteAsync(powerLoss, 'B', firstBlock: 2, blocks: 2, sync: true);

        Assert.Equal(2 * Block, powerLoss.Inspect().UnsyncedWalBytes);
        powerLoss.Apply();

        Assert.Equal(Expected(), File.ReadAllBytes(_file));
    }

    [Fact]
    public async Task A_lying_disk_loses_a_synced_append()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"), lyingDisk: true);
        await OverwriteAsync(powerLoss, 'B', firstBlock: 8, blocks: 1, sync: true);
        Assert.Equal(9 * Block, new FileInfo(_file).Length);

        powerLoss.Apply();

        Assert.Equal(Expected(), File.ReadAllBytes(_file));
    }

    [Fact]
    public async Task A_recycled_log_counts_only_the_bytes_written_under_its_new_name()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"));
        string recycled = await RecycleAsync(powerLoss);

        var beforeFolderSync = powerLoss.Inspect();
        Assert.Equal(1, beforeFolderSync.RecycledLogs);
        Assert.Equal(2 * Block, beforeFolderSync.UnsyncedRecycledWalBytes); // not the old log's 8 blocks

        await RunAsync(powerLoss, "sync", _root);
        await OverwriteAsync(powerLoss, 'C', firstBlock: 2, blocks: 2, sync: false, recycled);
        Assert.Equal(2 * Block, powerLoss.Inspect().UnsyncedRecycledWalBytes);
        powerLoss.Apply();

        Assert.False(File.Exists(_file));
        Assert.Equal(Expected(('B', 0, 2)), File.ReadAllBytes(recycled));
    }

    [Fact]
    public async Task A_recycled_log_whose_new_name_is_not_synced_comes_back_under_its_old_name()
    {
        var powerLoss = new PowerLoss(_root, Path.Combine(_folder.Path, "powerloss"));
        string recycled = await RecycleAsync(powerLoss);
        powerLoss.Apply();

        Assert.False(File.Exists(recycled));
        Assert.Equal(Expected(('B', 0, 2)), File.ReadAllBytes(_file));
    }

    private static async Task RunAsync(PowerLoss powerLoss, string program, params string[] args)
    {
        var (exit, output) = await ChildProcess.RunAsync(program, args, TimeSpan.FromSeconds(30), environment: powerLoss.Environment.ToDictionary());
        Assert.True(exit == 0, $"{program} failed ({exit}): {output}");
    }

    /// <summary>Writes <paramref name="blocks"/> blocks of <paramref name="fill"/> into the file from
    /// <paramref name="firstBlock"/>, in place, in a child process under the recorder; with
    /// <paramref name="sync"/>, fdatasync before it exits.</summary>
    /// <summary>RocksDB's reuse of an old log: renamed to the new log's name, then written from its
    /// start (two blocks of 'B', synced). Returns the new name.</summary>
    private async Task<string> RecycleAsync(PowerLoss powerLoss)
    {
        string recycled = Path.Combine(_root, "000009.log");
        await RunAsync(powerLoss, "mv", _file, recycled);
        await OverwriteAsync(powerLoss, 'B', firstBlock: 0, blocks: 2, sync: true, recycled);
        return recycled;
    }

    private async Task OverwriteAsync(PowerLoss powerLoss, char fill, int firstBlock, int blocks, bool sync, string? file = null)
    {
        string source = Path.Combine(_folder.Path, $"{fill}.bin");
        File.WriteAllBytes(source, Filled(fill, blocks * Block));
        await RunAsync(powerLoss, "dd", $"if={source}", $"of={file ?? _file}", $"bs={Block}", $"seek={firstBlock}", $"count={blocks}",
            sync ? "conv=notrunc,fdatasync" : "conv=notrunc", "status=none");
    }

    /// <summary>The 8 blocks of 'A' with the given runs (fill, first block, blocks) written over them.</summary>
    private static byte[] Expected(params (char Fill, int First, int Blocks)[] runs)
    {
        var bytes = Filled('A', 8 * Block);
        foreach (var (fill, first, count) in runs) Array.Fill(bytes, (byte)fill, first * Block, count * Block);
        return bytes;
    }

    private static byte[] Filled(char fill, int length) => Enumerable.Repeat((byte)fill, length).ToArray();
}
