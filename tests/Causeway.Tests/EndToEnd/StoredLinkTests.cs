using System.Net;
using System.Text.Json;
using Causeway.Tests.Http;
using Causeway.Tests.Support;

namespace Causeway.Tests.EndToEnd;

/// <summary>A continuous replication a server opened comes back after the server restarts, and one
/// stopped with DELETE does not.</summary>
public sealed class StoredLinkTests
{
    [Fact]
    public async Task A_continuous_link_survives_a_restart_of_the_server_that_opened_it()
    {
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        using var b = await ServerProcess.StartAsync(folderB.Path);
        string tokenA, tokenB = File.ReadAllText(Path.Combine(folderB.Path, "admin.token")).Trim();
        int portA = ServerProcess.FreePort();
        var httpB = b.Client(tokenB);
        Assert.Equal(HttpStatusCode.Created, (await httpB.PutAsync("/v1/dbs/shop", null)).StatusCode);

        string body = JsonSerializer.Serialize(new { peer = b.Url, token = tokenB, mode = "continuous", direction = "pull" });
        using (var a = await ServerProcess.StartAsync(folderA.Path, portA))
        {
            tokenA = File.ReadAllText(Path.Combine(folderA.Path, "admin.token")).Trim();
            var started = await a.Client(tokenA).PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json(body));
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
            Assert.Equal(0, a.Terminate(TimeSpan.FromSeconds(20)));
        }
        Assert.True(File.Exists(Path.Combine(folderA.Path, "links.json")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folderA.Path, "links.json")));

        // Written while A is down: the reopened link brings it over.
        Assert.True((await httpB.PutAsync("/v1/dbs/shop/docs/c/while-down", HttpExtensions.Json("""{"v": 1}"""))).IsSuccessStatusCode);
        using (var a = await ServerProcess.StartAsync(folderA.Path, portA))
        {
            var httpA = a.Client(tokenA);
            await SyncWait.UntilAsync(async () => (await httpA.GetAsync("/v1/dbs/shop/docs/c/while-down")).StatusCode == HttpStatusCode.OK);
            var peers = (await (await httpA.GetAsync("/v1/dbs/shop/peers")).JsonAsync()).GetProperty("peers").EnumerateArray().ToList();
            var link = Assert.Single(peers, p => p.GetProperty("role").GetString() == "outbound");
            Assert.Equal("continuous", link.GetProperty("mode").GetString());

            // Stopped by DELETE: forgotten, so the next start does not reopen it.
            string id = link.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await httpA.DeleteAsync($"/v1/dbs/shop/peers/{id}")).StatusCode);
            Assert.DoesNotContain("\"shop\"", File.ReadAllText(Path.Combine(folderA.Path, "links.json")));
            // A control link, remembered after the deletion so it is the last one a restart reopens.
            Assert.Equal(HttpStatusCode.Created, (await httpB.PutAsync("/v1/dbs/control", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await httpA.PutAsync("/v1/dbs/control", null)).StatusCode);
            var control = await httpA.PostAsync("/v1/dbs/control/replicate", HttpExtensions.Json(body));
            Assert.True(control.StatusCode == HttpStatusCode.Accepted, await control.Content.ReadAsStringAsync());
            Assert.Equal(0, a.Terminate(TimeSpan.FromSeconds(20)));
        }
        using (var a = await ServerProcess.StartAsync(folderA.Path, portA))
        {
            var httpA = a.Client(tokenA);
            async Task<bool> HasOutboundAsync(string db) => (await (await httpA.GetAsync($"/v1/dbs/{db}/peers")).JsonAsync())
                .GetProperty("peers").EnumerateArray().Any(p => p.GetProperty("role").GetString() == "outbound");
            // Every stored link is reopened in one pass at start: once the last one (the control) is open, the pass is over.
            await Deadline.UntilAsync(() => HasOutboundAsync("control"), TimeSpan.FromSeconds(30), () => "the control link reopened after the restart");
            Assert.False(await HasOutboundAsync("shop"), "the link stopped with DELETE was reopened");
        }
    }
}
