using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Causeway.Server;
using Causeway.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Causeway.Tests.Http;

/// <summary>A server on an in-memory replica, in process, with an admin and a read-only client.</summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageHandler _handler;

    private ServerFixture(WebApplication app, StaticTokensForTests tokens)
    {
        _app = app;
        var handler = app.GetTestServer().CreateHandler();
        _handler = handler;
        AdminToken = tokens.Admin;
        ReadToken = tokens.Read;
        Anonymous = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        Admin = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Admin);
        Reader = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        Reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Read);
        Replica = (Replica)app.Services.GetService(typeof(Replica))!;
    }

    public HttpClient Anonymous { get; }
    public HttpClient Admin { get; }
    public HttpClient Reader { get; }
    public Replica Replica { get; }
    public string AdminToken { get; }
    public string ReadToken { get; }

    /// <summary>A new HttpClient on the in-process server with no credentials of its own (pass a token to the client that uses it).</summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false) { BaseAddress = new Uri("http://localhost") };

    /// <summary>A typed client on the in-process server, with the admin token unless told otherwise.</summary>
    public Causeway.Client.CausewayClient CreateClient(string? token = null) => new(CreateHttpClient(), token ?? AdminToken);

    public static async Task<ServerFixture> StartAsync(ServerOptions? options = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var tokens = StaticTokens.LoadOrCreate(folder, dev: false);
        var app = CausewayServer.Build(Replica.OpenInMemory(), tokens, options ?? new ServerOptions(), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new ServerFixture(app, new StaticTokensForTests(tokens.AdminToken, tokens.ReadToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record StaticTokensForTests(string Admin, string Read);
}

internal static class HttpExtensions
{
    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with this status and code.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        return json;
    }
}
