using System.Net;
using System.Net.Sockets;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary>`causeway serve` when it cannot serve: one clear line, a non-zero exit, nothing left behind.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_on_a_folder_another_process_holds_says_so_in_one_line()
    {
        using var folder = new TempFolder();
        using var running = await ServerProcess.StartAsync(folder.Path);
        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--data", folder.Path, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}"]);
        Assert.Equal(1, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("is in use by another process", error);
        Assert.DoesNotContain("IO error", error);
        Assert.EndsWith("[unavailable]", error.Trim());
    }

    [Fact]
    public async Task Serve_that_cannot_listen_creates_no_folder_identity_or_tokens()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "fresh");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--data", data, "--urls", $"http://127.0.0.1:{port}"]);
        Assert.Equal(1, exit);
        Assert.Contains($"Cannot listen on http://127.0.0.1:{port}", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(data), "serve left the data folder behind");
    }

    [Fact]
    public async Task Serve_with_a_cors_origin_that_is_not_an_origin_says_so_in_one_line()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "fresh");
        var (exit, _, error) = await CliProcess.RunAsync(["serve", "--data", data, "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--cors-origin", "https://app.example/page"]);
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("--cors-origin", error);
        Assert.False(Directory.Exists(data), "serve left the data folder behind");
    }
}
