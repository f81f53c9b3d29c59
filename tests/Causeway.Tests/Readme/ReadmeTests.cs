using System.Diagnostics;
using System.Net.Sockets;
using Causeway.Tests.Support;

namespace Causeway.Tests.Readme;

/// <summary>The README's C# examples compile and run as they stand there: each is the Program.cs of a
/// small project next to the tests (tests/Causeway.ReadmeExample, tests/Causeway.ReadmeSync), and
/// this test checks the text is the same, then runs it.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_examples_in_the_readme_are_the_programs_that_are_built()
    {
        var blocks = Blocks();
        Assert.Equal(2, blocks.Count);
        Assert.Equal(Normalize(blocks[0]), Normalize(File.ReadAllText(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "tests", "Causeway.ReadmeExample", "Program.cs"))));
        Assert.Equal(Normalize(blocks[1]), Normalize(File.ReadAllText(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "tests", "Causeway.ReadmeSync", "Program.cs"))));
        foreach (var block in blocks) Assert.StartsWith("using Causeway;", block);
    }

    [Fact]
    public async Task The_embedded_example_runs_in_a_fresh_folder()
    {
        using var folder = new TempFolder();
        var (exit, output) = await RunAsync("Causeway.ReadmeExample.dll", folder.Path);
        Assert.True(exit == 0, output);
        // Three commits: the put, the patch and the transaction, in the changes feed the example prints.
        Assert.Equal(["1: 1 document(s)", "2: 1 document(s)", "3: 1 document(s)"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" by ")]));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "data")));
    }

    /// <summary>The sync example against `causeway serve` with its defaults (port 7480, ./causeway-data),
    /// started in the folder the example runs in, as the README says.</summary>
    [Fact]
    public async Task The_sync_example_syncs_with_a_server_started_as_the_readme_says()
    {
        if (!PortIsFree(7480)) throw new InvalidOperationException("Port 7480, the server's default the README uses, is taken on this machine.");
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(Path.Combine(folder.Path, "causeway-data"), 7480);
        using var admin = server.Client(File.ReadAllText(Path.Combine(folder.Path, "causeway-data", "admin.token")).Trim());
        await admin.PutAsync("/v1/dbs/shop", null);
        await admin.PutAsync("/v1/dbs/shop/docs/orders/o-1", new StringContent("""{"total": 12}""", System.Text.Encoding.UTF8, "application/json"));

        var (exit, output) = await RunAsync("Causeway.ReadmeSync.dll", folder.Path);
        Assert.True(exit == 0, output);
        Assert.Contains("1 commits applied here, 0 sent", output);
        Assert.Contains("live", output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string dll, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{dll} did not finish within 90 s"); }
        return (process.ExitCode, (await stdout).Replace("\r", "") + await stderr);
    }

    private static IReadOnlyList<string> Blocks()
    {
        string readme = File.ReadAllText(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "README.md"));
        int from = readme.IndexOf("## Use it from .NET", StringComparison.Ordinal);
        Assert.True(from >= 0, "the README has no 'Use it from .NET' section");
        return [.. System.Text.RegularExpressions.Regex.Matches(readme[from..], "```csharp\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Groups[1].Value)];
    }

    private static string Normalize(string code) => code.Replace("\r", "").TrimEnd() + "\n";

    private static bool PortIsFree(int port)
    {
        try { using var listener = new TcpListener(System.Net.IPAddress.Loopback, port); listener.Start(); return true; }
        catch (SocketException) { return false; }
    }
}
