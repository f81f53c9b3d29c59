using System.Diagnostics;
using Causeway.Tests.Support;

namespace Causeway.Tests.Samples;

/// <summary>samples/Shop runs as a user would run it (<c>dotnet Causeway.Samples.Shop.dll</c>, in a fresh
/// folder) and prints what the typed API did: the operations of an edit, a refused oversale, a query.</summary>
public sealed class ShopSampleTests
{
    private static readonly string[] Expected =
    [
        "sale writes: increment stock -2, add tags \"bestseller\"",
        "refused: teapot stock would go below 0",
        "Mug: 8.50, 10 in stock, tags [bestseller], from NO",
        "Teapot: 34.00, 3 in stock, tags []",
    ];

    [Fact]
    public async Task The_shop_sample_prints_its_sale_the_refusal_and_the_query()
    {
        using var folder = new TempFolder();
        var (exit, output) = await RunAsync(folder.Path);
        Assert.True(exit == 0, output);
        Assert.Equal(Expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "shop-data")));
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
