using System.Diagnostics;

namespace Causeway.Tests.Cli;

/// <summary>Runs the real CLI as a process, as a person would.</summary>
public sealed class DemoCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Demo_writes_transacts_reads_the_past_and_verifies()
    {
        var (exit, output, error) = await RunAsync("demo");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("did:key:z6Mk", output);
        Assert.Contains("refused (not_found)", output);
        Assert.Contains("exists: False", output);
        Assert.Contains("at position 1", output);
        Assert.Contains("verify: ok, 3 commits", output);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task A_bad_argument_is_one_line_on_stderr_and_exit_code_2()
    {
        var (exit, output, error) = await RunAsync("demo", "--no-such-flag");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--no-such-flag", error);
    }
}
