using System.Diagnostics;
using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway query --live</c> as a process: one JSON event a line until Ctrl-C, on a folder
/// (resuming with <c>--since</c>) and through a server.</summary>
public sealed class LiveQueryCommandTests
{
    private const string Paid = """{"collection": "orders", "where": {"path": "status", "eq": "paid"}}""";

    private static string Token(string folder) => File.ReadAllText(Path.Combine(folder, "admin.token")).Trim();

    private static async Task Ok(params string[] args)
    {
        var (exit, _, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
    }

    /// <summary>A running <c>causeway query --live</c>, its lines collected as they come.</summary>
    private sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly List<JsonElement> _lines = [];
        private readonly List<string> _errors = [];

        public Running(params string[] args)
        {
            // A terminal's Ctrl-C: SIGINT at its default (a runner started in the background ignores it otherwise).
            var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"), "query" }.Concat(args))
                start.ArgumentList.Add(arg);
            foreach (var name in new[] { "CAUSEWAY_URL", "CAUSEWAY_TOKEN", "CAUSEWAY_DATA", "CAUSEWAY_KEY", "CAUSEWAY_PROOF" }) start.Environment.Remove(name);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { if (!string.IsNullOrWhiteSpace(e.Data)) lock (_lines) _lines.Add(JsonDocument.Parse(e.Data).RootElement.Clone()); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.Add(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Errors { get { lock (_errors) return string.Join('\n', _errors); } }

        /// <summary>The first <paramref name="count"/> lines, once they are there (30 s at most).</summary>
        public async Task<List<JsonElement>> LinesAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                lock (_lines) if (_lines.Count >= count) return [.. _lines];
                if (_process.HasExited) throw new InvalidOperationException($"causeway query --live exited {_process.ExitCode}: {Errors}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Fewer than {count} lines in time. {Errors}");
                await Task.Delay(50);
            }
        }

        /// <summary>Ctrl-C: it stops and exits 0.</summary>
        public async Task InterruptAsync()
        {
            using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString()])!) await interrupt.WaitForExitAsync();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(_process.ExitCode == 0, $"exit {_process.ExitCode}: {Errors}");
            lock (_lines) Assert.True(_lines.Count > 0);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    [Fact]
    public async Task Through_a_server_it_prints_the_snapshot_then_each_delta_until_ctrl_c()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path);
        string token = Token(folder.Path);
        string[] S(params string[] args) => [.. args, "--url", server.Url, "--token", token];
        await Ok(S("db", "create", "shop"));
        await Ok(S("doc", "put", "shop", "orders", "o1", """{"status": "paid"}"""));

        using var live = new Running(S("shop", Paid, "--live"));
        var snapshot = (await live.LinesAsync(1))[0];
        Assert.Equal("snapshot", snapshot.GetProperty("kind").GetString());
        Assert.Equal("o1", snapshot.GetProperty("entered")[0].GetProperty("_id").GetString());

        await Ok(S("doc", "put", "shop", "orders", "o2", """{"status": "open"}"""));
        await Ok(S("doc", "put", "shop", "orders", "o3", """{"status": "paid", "price": {"$decimal": "1.50"}}"""));
        var delta = (await live.LinesAsync(2))[1];
        Assert.Equal("delta", delta.GetProperty("kind").GetString());
        Assert.Equal(3, delta.GetProperty("position").GetInt64());
        Assert.True(delta.GetProperty("local").GetBoolean());
        Assert.Equal("""{"$decimal":"1.50"}""", delta.GetProperty("entered")[0].GetProperty("price").GetRawText());
        await live.InterruptAsync();
        Assert.Equal("", live.Errors);
    }

    [Fact]
    public async Task On_a_folder_it_resumes_after_a_position_and_refuses_since_without_live()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", folder.Path];
        await Ok(D("db", "create", "shop"));
        await Ok(D("doc", "put", "shop", "orders", "o1", """{"status": "paid"}"""));   // 1
        await Ok(D("doc", "put", "shop", "orders", "o2", """{"status": "paid"}"""));   // 2
        await Ok(D("doc", "delete", "shop", "orders", "o1"));                           // 3

        using (var live = new Running(D("shop", Paid, "--live", "--since", "1")))
        {
            var lines = await live.LinesAsync(2);
            Assert.Equal([2L, 3L], lines.Select(l => l.GetProperty("position").GetInt64()));
            Assert.All(lines, l => Assert.Equal("delta", l.GetProperty("kind").GetString()));
            Assert.Equal("o1", lines[1].GetProperty("left")[0].GetString());
            await live.InterruptAsync();
        }

        var (exit, _, error) = await CliProcess.RunAsync(D("query", "shop", Paid, "--since", "1"));
        Assert.Equal(2, exit);
        Assert.Contains("[invalid_value]", error);
        (exit, _, error) = await CliProcess.RunAsync(D("query", "shop", Paid, "--live", "--since", "9"));
        Assert.Equal(2, exit);
        Assert.Contains("[invalid_cursor]", error);
    }
}
