using System.Net;
using System.Text;
using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.EndToEnd;

/// <summary>A real `causeway serve` on loopback: writes acknowledged over HTTP survive SIGKILL; SIGTERM stops it cleanly.</summary>
public sealed class ServeProcessTests
{
    [Fact]
    public async Task Acknowledged_http_writes_survive_sigkill_and_restart()
    {
        using var folder = new TempFolder();
        var acknowledged = new List<(string Id, string Commit)>();
        string token;
        int port = ServerProcess.FreePort();
        using (var server = await ServerProcess.StartAsync(folder.Path, port))
        {
            token = File.ReadAllText(Path.Combine(folder.Path, "admin.token")).Trim();
            Assert.Contains("did:key:z6Mk", server.Output);
            using var http = server.Client(token);
            Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/v1/dbs/e2e", null)).StatusCode);
            using var stop = new CancellationTokenSource();
            int killed = 0; // set just before SIGKILL: from then on, and only then, a connection may die
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    string id = $"w{w}-{i}";
                    HttpResponseMessage response;
                    try { response = await http.PutAsync($"/v1/dbs/e2e/docs/items/{id}", new StringContent($$"""{"w": {{w}}, "i": {{i}}}""", System.Text.Encoding.UTF8, "application/json")); }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && Volatile.Read(ref killed) == 1) { return; } // killed mid-request
                    // Any answer but 201 (a 5xx above all) is a failure of the test, never a write to skip.
                    Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    var commit = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("commit").GetString()!;
                    lock (acknowledged) acknowledged.Add((id, commit));
                }
            })).ToArray();
            // The typed client and the CLI write too, acknowledged like the rest.
            using var client = new Causeway.Client.CausewayClient(new Uri(server.Url), token);
            var viaClient = await client.Database("e2e").PutAsync("items", "via-client", Causeway.Values.Value.Map([new("by", Causeway.Values.Value.String("client"))]));
            lock (acknowledged) acknowledged.Add(("via-client", viaClient.Commit.ToString()));
            var (exit, cliOutput, cliError) = await CliProcess.RunAsync(["doc", "put", "e2e", "items", "via-cli", """{"by": "cli"}""", "--url", server.Url, "--token", token]);
            Assert.True(exit == 0, cliError);
            lock (acknowledged) acknowledged.Add(("via-cli", JsonDocument.Parse(cliOutput).RootElement.GetProperty("commit").GetString()!));
            await Deadline.UntilAsync(() =>
            {
                // A writer that failed (an error answer) fails the test now, not at the deadline.
                if (writers.FirstOrDefault(t => t.IsFaulted) is { } failed) failed.GetAwaiter().GetResult();
                lock (acknowledged) return acknowledged.Count >= 300;
            }, TimeSpan.FromSeconds(60), () => $"300 acknowledged writes (have {acknowledged.Count})");
            Volatile.Write(ref killed, 1);
            server.KillHard();
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        using (var server = await ServerProcess.StartAsync(folder.Path, port))
        {
            using var http = server.Client(token);
            foreach (var (id, commit) in acknowledged)
            {
                var response = await http.GetAsync($"/v1/dbs/e2e/docs/items/{id}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged write {id} is missing after SIGKILL");
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/dbs/e2e/commits/{commit}")).StatusCode);
            }
            using var client = new Causeway.Client.CausewayClient(new Uri(server.Url), token);
            Assert.Equal("cli", (await client.Database("e2e").GetAsync("items", "via-cli"))!["by"]!.AsString());
            Assert.Equal("client", (await client.Database("e2e").GetAsync("items", "via-client"))!["by"]!.AsString());
            var verify = JsonDocument.Parse(await http.GetStringAsync("/v1/dbs/e2e/verify")).RootElement;
            Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
            Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
        }
    }
}

public sealed class DevModeTests
{
    [Fact]
    public async Task Dev_mode_lets_loopback_in_without_a_token_and_says_so_loudly()
    {
        using var folder = new TempFolder();
        using var server = await ServerProcess.StartAsync(folder.Path, dev: true);
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.Url) };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PutAsync("/v1/dbs/dev", null)).StatusCode);
        Assert.Contains("DEV MODE", server.Output);
        // Logs are structured: with the output redirected, each log entry is a JSON line.
        Assert.Contains(server.Output.Split('\n'), line => line.StartsWith('{')
            && JsonDocument.Parse(line).RootElement.GetProperty("Category").GetString() == "Causeway.Server");
        // A wrong token is still refused: dev mode only waives a missing one.
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        wrong.Headers.Authorization = new("Bearer", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public void Dev_mode_never_waives_the_token_for_other_machines()
    {
        using var folder = new TempFolder();
        var tokens = Causeway.Server.Access.StaticTokens.LoadOrCreate(folder.Path, dev: true);
        var remote = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        remote.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        Assert.Null(tokens.Authenticate(remote));
        var local = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        local.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        Assert.NotNull(tokens.Authenticate(local));
        var notDev = Causeway.Server.Access.StaticTokens.LoadOrCreate(folder.Path, dev: false);
        Assert.Null(notDev.Authenticate(local));
    }
}
