using System.Diagnostics;
using Causeway.Tests.Support;

namespace Causeway.Tests.Samples;

/// <summary>samples/Shop runs as a user would run it (<c>dotnet Causeway.Samples.Shop.dll</c>, in a fresh
/// folder) and prints what the typed API did: a changeset saved and one refused on its name, a sale and a
/// refused oversale, LINQ queries, the deltas of a live query, and two replicas' concurrent edits merged.</summary>
public sealed class ShopSampleTests
{
    private static readonly string[] Expected =
    [
        "catalogue: 3 products",
        "cup: saved True, ignored [sold]",
        "mug2: saved False, Name has already been taken",
        "order 1: 2 x Mug, 10 left",
        "refused: 4 x Teapot, only 3 in stock",
        "under 40: Espresso cup 6.50, Mug 8.50",
        "ceramic, most stock first: Espresso cup 20, Mug 10, Teapot 3",
        "names starting with T or K: Kettle, Teapot",
        "orders of mug: 1 (2)",
        "low stock: +Teapot 3",
        "order 3: 2 x Kettle, 3 left",
        "low stock change: +Kettle 3",
        "low stock change: -teapot",
        "low stock change: ~Kettle 3 at 45.00",
        "apart, till: Mug 9.00, 9 in stock, 3 sold, by Figgjo, tags [ceramic]",
        "apart, office: Mug 8.50, 13 in stock, 5 sold, by Figgjo AS, tags [ceramic, gift]",
        "synced, till: Mug 9.00, 12 in stock, 6 sold, by Figgjo AS, tags [ceramic, gift]",
        "synced, office: Mug 9.00, 12 in stock, 6 sold, by Figgjo AS, tags [ceramic, gift]",
    ];

    [Fact]
    public async Task The_shop_sample_prints_its_input_sales_queries_live_changes_and_merge()
    {
        using var folder = new TempFolder();
        var (exit, output) = await RunAsync(folder.Path);
        Assert.True(exit == 0, output);
        Assert.Equal(Expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "shop-data", "till")));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "shop-data", "office")));
    }

    /// <summary>The sample starts afresh each run, so a second run in the same folder prints the same.</summary>
    [Fact]
    public async Task The_shop_sample_run_twice_in_one_folder_prints_the_same()
    {
        using var folder = new TempFolder();
        var first = await RunAsync(folder.Path);
        var second = await RunAsync(folder.Path);
        Assert.True(first.Exit == 0 && second.Exit == 0, first.Output + second.Output);
        Assert.Equal(Expected, second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Causeway.Samples.Shop.dll"));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException("the shop sample did not finish within 60 s"); }
        return (process.ExitCode, (await stdout).Replace("\r", "") + await stderr);
    }
}
