using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Http;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Causeway.Tests.Hosting;

/// <summary>Causeway inside someone else's ASP.NET Core application: AddCauseway + MapCauseway beside
/// the application's own endpoints, on real loopback HTTP.</summary>
public sealed class HostedServerTests
{
    [Fact]
    public async Task An_application_serves_its_own_endpoint_and_the_Causeway_API_side_by_side()
    {
        using var folder = new TempFolder();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddCauseway(o => o.DataDirectory = folder.Path);
        var app = builder.Build();
        app.MapGet("/hello", () => "hello from the app");
        app.MapCauseway();
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal("hello from the app", await http.GetStringAsync("/hello"));

            // Causeway's routes answer under the same paths, with the tokens made in the data folder.
            using var noToken = await http.GetAsync("/v1/dbs");
            await noToken.ProblemAsync(401, "unauthorized");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(folder.Path, StaticTokens.AdminFile)).Trim());
            Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/v1/dbs/shop", null)).StatusCode);
            Assert.True((await http.PutAsync("/v1/dbs/shop/docs/orders/o-1", HttpExtensions.Json("""{"total":12}"""))).IsSuccessStatusCode);
            var order = await (await http.GetAsync("/v1/dbs/shop/docs/orders/o-1")).JsonAsync();
            Assert.Equal(12, order.GetProperty("total").GetInt32());

            // Causeway's middleware stays on its own routes: the app's unknown path is the app's plain
            // 404, an unknown /v1 path is Causeway's problem+json.
            using var appMissing = await http.GetAsync("/nowhere");
            Assert.Equal(HttpStatusCode.NotFound, appMissing.StatusCode);
            Assert.NotEqual("application/problem+json", appMissing.Content.Headers.ContentType?.MediaType);
            await (await http.GetAsync("/v1/nowhere")).ProblemAsync(404, "not_found");

            var health = Causeway.Wire.HealthReportJson.Read(await (await http.GetAsync("/health")).JsonAsync());
            Assert.Equal(["disk", "store", "sync"], health.Checks.Select(c => c.Name).Order(StringComparer.Ordinal));
            Assert.Equal("Healthy", health.Checks.Single(c => c.Name == "store").Status);
            // Metrics are off unless asked for.
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        // Closed with the host: the folder opens again, with what was written.
        await using var reopened = await Replica.OpenAsync(folder.Path);
        Assert.NotNull(await reopened.GetDatabase("shop").GetAsync("orders", "o-1"));
    }

    [Fact]
    public async Task The_replica_is_closed_exactly_once_after_the_requests_in_flight_finish()
    {
        using var folder = new TempFolder();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddCauseway(o => { o.DataDirectory = folder.Path; o.Dev = true; });
        var app = builder.Build();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replica = app.Services.GetRequiredService<Replica>();
        await replica.CreateDatabaseAsync("shop");
        // A slow request of the app's that writes through the replica after the host began stopping.
        app.MapPost("/slow", async () =>
        {
            entered.TrySetResult();
            await release.Task;
            await replica.GetDatabase("shop").PutJsonAsync("orders", "late", """{"n":1}""");
            return Results.Ok();
        });
        app.MapCauseway();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        var slow = http.PostAsync("/slow", null);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = app.StopAsync();
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await slow.WaitAsync(TimeSpan.FromSeconds(20))).StatusCode);
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<Errors.UnavailableException>(() => replica.GetDatabase("shop").GetAsync("orders", "late"));
        await app.DisposeAsync();   // a second close is a no-op
        await using var reopened = await Replica.OpenAsync(folder.Path);
        Assert.NotNull(await reopened.GetDatabase("shop").GetAsync("orders", "late"));
    }
}
