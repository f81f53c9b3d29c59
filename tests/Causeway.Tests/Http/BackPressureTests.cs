using System.Net;
using System.Text.Json;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Server.Endpoints;

namespace Causeway.Tests.Http;

/// <summary>Back-pressure with a real limit: 8 writes in flight, 64 writers at once. Past the limit a
/// write is refused with 429 and Retry-After; no write is lost or fails otherwise, and every slot comes back.</summary>
public sealed class BackPressureTests
{
    private const int Limit = 8;
    private const int Writers = 64;

    [Fact]
    public async Task Sixty_four_writers_past_a_limit_of_eight_get_429s_lose_nothing_and_release_every_slot()
    {
        await using var server = await ServerFixture.StartAsync(new ServerOptions { MaxInFlightWrites = Limit });
        var gate = ((Api)server.Services.GetService(typeof(Api))!).Writes;
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PutAsync("/v1/dbs/db", null)).StatusCode);

        var acknowledged = new List<(string Id, string Commit)>();
        int refused = 0, bursts = 0;
        // Bursts of 64 writers released at once, until the gate has refused some (a few bursts at most).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (refused == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no write was refused in {bursts} bursts of {Writers} with a limit of {Limit}");
            int burst = bursts++;
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, Writers).Select(async w =>
            {
                string id = $"b{burst}-w{w}";
                await go.Task;
                var response = await server.Admin.PutAsync($"/v1/dbs/db/docs/c/{id}", HttpExtensions.Json($$"""{"w": {{w}}}"""));
                return (Id: id, Response: response, Body: await response.Content.ReadAsStringAsync());
            }).ToArray();
            go.SetResult();
            var answers = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var (id, response, body) in answers)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        acknowledged.Add((id, JsonDocument.Parse(body).RootElement.GetProperty("commit").GetString()!));
                        break;
                    case HttpStatusCode.TooManyRequests:
                        refused++;
                        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
                        Assert.Equal(ErrorCodes.RateLimited, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
                        break;
                    default:
                        Assert.Fail($"PUT {id} answered {(int)response.StatusCode}: {body}");
                        break;
                }
            }
        }
        Assert.NotEmpty(acknowledged);

        // Every slot was given back, and a burst up to the limit is let through whole.
        Assert.Equal(0, gate.InFlight);
        var after = await Task.WhenAll(Enumerable.Range(0, Limit).Select(w => server.Admin.PutAsync($"/v1/dbs/db/docs/c/after-{w}", HttpExtensions.Json("{}"))));
        Assert.All(after, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(0, gate.InFlight);

        // None of the acknowledged writes was lost: each is there with the very commit that acknowledged it.
        foreach (var (id, commit) in acknowledged)
        {
            Assert.True((await server.Admin.GetAsync($"/v1/dbs/db/docs/c/{id}")).StatusCode == HttpStatusCode.OK, $"acknowledged {id} is missing");
            Assert.True((await server.Admin.GetAsync($"/v1/dbs/db/commits/{commit}")).StatusCode == HttpStatusCode.OK, $"commit {commit} of {id} is missing");
        }
        var documents = (await (await server.Admin.GetAsync("/v1/dbs/db")).JsonAsync()).GetProperty("documents").GetInt64();
        Assert.Equal(acknowledged.Count + Limit, documents);
    }
}
