using System.Diagnostics;
using System.Net;
using Causeway.Tests.Support;
using Xunit.Abstractions;

namespace Causeway.Tests.Packaging;

/// <summary>The server as the container image runs it (docs/deployment.md): the linux-x64 publish
/// output, as a user that is not root, its data in a folder that user owns. No image is built
/// here: no registry can be reached from this machine kind to pull the .NET base images.</summary>
public sealed class DeployedServerTests(LinuxPublish publish, ITestOutputHelper output) : IClassFixture<LinuxPublish>
{
    /// <summary>nobody:nogroup on Debian, the user of the tests' non-root runs.</summary>
    private const int Nobody = 65534;

    [Fact]
    public void The_linux_x64_publish_carries_only_linux_x64_native_libraries()
    {
        var files = Directory.GetFiles(publish.Output, "*", SearchOption.AllDirectories);
        long bytes = files.Sum(f => new FileInfo(f).Length);
        output.WriteLine($"dotnet publish -r linux-x64 took {publish.PublishTime.TotalSeconds:0} s: {files.Length} files, {bytes / 1_000_000.0:0.0} MB");
        output.WriteLine("No container image is built or run by the tests: podman runs containers on this machine kind, but no registry can be reached to pull the .NET base images.");

        Assert.False(Directory.Exists(Path.Combine(publish.Output, "runtimes")), "the publish output has a runtimes/ folder: natives of other platforms");
        Assert.DoesNotContain(files, f => f.EndsWith(".dylib", StringComparison.Ordinal) || Path.GetFileName(f) is "rocksdb.dll" or "libsodium.dll");
        Assert.DoesNotContain(files, f => Path.GetFileName(f) == "librocksdb-musl.so");
        var natives = files.Where(f => f.EndsWith(".so", StringComparison.Ordinal)).ToList();
        Assert.Contains(natives, f => Path.GetFileName(f) == "librocksdb.so");
        Assert.Contains(natives, f => Path.GetFileName(f) == "libsodium.so");
        foreach (var native in natives) Assert.True(IsElfX64(native), $"{Path.GetFileName(native)} is not an x86-64 ELF library");
        Assert.True(bytes < 64_000_000, $"the linux-x64 publish output is {bytes} bytes");
    }

    [Fact]
    public async Task The_published_server_runs_as_nobody_answers_health_and_keeps_a_write_across_a_restart()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "data"), home = Path.Combine(folder.Path, "home");
        Directory.CreateDirectory(data);
        Directory.CreateDirectory(home);
        var (exit, text) = await ChildProcess.RunAsync("chown", ["-R", $"{Nobody}:{Nobody}", data, home], TimeSpan.FromSeconds(10));
        Assert.True(exit == 0, text);
        int port = ServerProcess.FreePort();

        string token;
        using (var server = await StartAsNobodyAsync(data, home, port))
        {
            Assert.Equal(Nobody, UidOf(server.ProcessId));
            token = File.ReadAllText(Path.Combine(data, "admin.token")).Trim();
            using var admin = server.Client(token);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health")).StatusCode);
            // The image's HEALTHCHECK, as deploy/Dockerfile has it, on this server's port.
            (exit, text) = await ChildProcess.RunAsync("bash", ["-c", Dockerfile.HealthCheck(port)], TimeSpan.FromSeconds(10));
            Assert.True(exit == 0, $"the HEALTHCHECK failed against a healthy server ({exit}): {text}");
            Assert.True((await admin.PutAsync("/v1/dbs/shop", null)).IsSuccessStatusCode);
            var put = await admin.PutAsync("/v1/dbs/shop/docs/orders/o-1", new StringContent("""{"total": 12}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
        }
        (exit, _) = await ChildProcess.RunAsync("bash", ["-c", Dockerfile.HealthCheck(port)], TimeSpan.FromSeconds(10));
        Assert.True(exit != 0, "the HEALTHCHECK passed with no server listening");
        // Everything the server wrote belongs to the user it ran as.
        (exit, text) = await ChildProcess.RunAsync("find", [data, "!", "-uid", $"{Nobody}"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, exit);
        Assert.True(text.Trim().Length == 0, $"files in the data folder that another user owns:\n{text}");
        Assert.True(File.Exists(Path.Combine(data, "admin.token")));

        using (var server = await StartAsNobodyAsync(data, home, port))
        {
            using var admin = server.Client(token);
            var get = await admin.GetAsync("/v1/dbs/shop/docs/orders/o-1");
            string body = await get.Content.ReadAsStringAsync();
            Assert.True(get.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("\"total\":12", body.Replace(" ", ""));
        }
    }

    /// <summary>The <c>link</c> service of deploy/compose.yaml, its script as it stands there with the
    /// service names replaced by loopback addresses, links two published servers: a write to one
    /// arrives on the other, and a second run finds the link and leaves it.</summary>
    [Fact]
    public async Task The_compose_link_script_links_two_servers_once()
    {
        using var folder = new TempFolder();
        string a = Path.Combine(folder.Path, "a"), b = Path.Combine(folder.Path, "b"), bin = Path.Combine(folder.Path, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "causeway"), Path.Combine(publish.Output, "Causeway.Cli"));
        using var serverA = await StartPublishedAsync(a);
        using var serverB = await StartPublishedAsync(b);
        string urlA = serverA.Url, urlB = serverB.Url;

        string script = ComposeLinkScript()
            .Replace("$$", "$").Replace("/a/", a + "/").Replace("/b/", b + "/").Replace("http://a:7480", urlA).Replace("http://b:7480", urlB);
        var environment = new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
        var (exit, text) = await ChildProcess.RunAsync("bash", ["-c", script], TimeSpan.FromSeconds(60), environment: environment);
        Assert.True(exit == 0, $"the link script exited {exit}:\n{script}\n{text}");
        Assert.Contains("\"state\":\"live\"", text);
        (exit, text) = await ChildProcess.RunAsync("bash", ["-c", script], TimeSpan.FromSeconds(60), environment: environment);
        Assert.True(exit == 0, $"the link script's second run exited {exit}:\n{text}");
        Assert.Contains("already links shop", text);

        using var adminA = serverA.Client(File.ReadAllText(Path.Combine(a, "admin.token")).Trim());
        using var adminB = serverB.Client(File.ReadAllText(Path.Combine(b, "admin.token")).Trim());
        var put = await adminA.PutAsync("/v1/dbs/shop/docs/orders/o-1", new StringContent("""{"total": 12}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await Deadline.UntilAsync(async () => (await adminB.GetAsync("/v1/dbs/shop/docs/orders/o-1")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), () => "the write to a to arrive on b", pollMilliseconds: 100);
    }

    private Task<ServerProcess> StartPublishedAsync(string data)
    {
        string url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var start = new ProcessStartInfo(Path.Combine(publish.Output, "Causeway.Cli"));
        foreach (var arg in new[] { "serve", "--data", data, "--urls", url }) start.ArgumentList.Add(arg);
        return ServerProcess.StartAsync(start, url);
    }

    private static string ComposeLinkScript()
    {
        string compose = File.ReadAllText(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "deploy", "compose.yaml")).Replace("\r", "");
        int from = compose.IndexOf("      - |\n", StringComparison.Ordinal);
        Assert.True(from >= 0, "deploy/compose.yaml has no link script (a '- |' block)");
        var lines = compose[(from + "      - |\n".Length)..].Split('\n').TakeWhile(l => l.StartsWith("        ", StringComparison.Ordinal));
        return string.Join('\n', lines.Select(l => l[8..]));
    }

    /// <summary>The server started with the arguments of the image's <c>CMD</c> (deploy/Dockerfile),
    /// its folder and address in place of <c>/data</c> and <c>0.0.0.0:7480</c>.</summary>
    private Task<ServerProcess> StartAsNobodyAsync(string data, string home, int port)
    {
        string url = $"http://127.0.0.1:{port}";
        var command = Dockerfile.Command();
        Assert.Equal(["serve", "--data", "/data", "--urls", "http://0.0.0.0:7480"], command);
        var start = new ProcessStartInfo("setpriv");
        foreach (var arg in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", Path.Combine(publish.Output, "Causeway.Cli") })
            start.ArgumentList.Add(arg);
        foreach (var arg in command) start.ArgumentList.Add(arg switch { "/data" => data, "http://0.0.0.0:7480" => url, _ => arg });
        start.Environment["HOME"] = home;
        return ServerProcess.StartAsync(start, url);
    }

    private static int UidOf(int pid)
    {
        string line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private static bool IsElfX64(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        return header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F' && header[4] == 2 && BitConverter.ToUInt16(header[18..]) == 62;
    }
}
