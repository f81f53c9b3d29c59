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

    private ServerFixture(WebApplication app, StaticTokensForTests tokens, HttpMessageHandler handler, Uri url, string folder)
    {
        DataDirectory = folder;
        _app = app;
        _handler = handler;
        Url = url;
        AdminToken = tokens.Admin;
        ReadToken = tokens.Read;
        Anonymous = new HttpClient(handler, disposeHandler: false) { BaseAddress = url };
        Admin = new HttpClient(handler, disposeHandler: false) { BaseAddress = url };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Admin);
        Reader = new HttpClient(handler, disposeHandler: false) { BaseAddress = url };
        Reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Read);
        Replica = (Replica)app.Services.GetService(typeof(Replica))!;
        Access = (AccessControl)app.Services.GetService(typeof(AccessControl))!;
    }

    /// <summary>The server's folder (tokens, held delegations, revocations).</summary>
    public string DataDirectory { get; }

    /// <summary>The server's capabilities: its DID, the owner, held delegations and revocations.</summary>
    public AccessControl Access { get; }

    /// <summary>Where the server answers: http://localhost in memory, or a real loopback port.</summary>
    public Uri Url { get; }

    /// <summary>The server's services (its write gate, for one).</summary>
    public IServiceProvider Services => _app.Services;

    public HttpClient Anonymous { get; }
    public HttpClient Admin { get; }
    public HttpClient Reader { get; }
    public Replica Replica { get; }
    public string AdminToken { get; }
    public string ReadToken { get; }

    /// <summary>A new HttpClient on the in-process server with no credentials of its own (pass a token to the client that uses it).</summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false) { BaseAddress = Url };

    /// <summary>A typed client on the in-process server, with the admin token unless told otherwise.</summary>
    public Causeway.Client.CausewayClient CreateClient(string? token = null) => new(CreateHttpClient(), token ?? AdminToken);

    public static async Task<ServerFixture> StartAsync(ServerOptions? options = null)
    {
        var (app, tokens, folder) = Build(options ?? new ServerOptions(), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new ServerFixture(app, tokens, app.GetTestServer().CreateHandler(), new Uri("http://localhost"), folder);
    }

    /// <summary>The same server on real Kestrel at a free loopback port: what WebSockets between two servers
    /// need, and real HTTP (header limits included). <paramref name="options"/>' Urls are ignored.</summary>
    public static async Task<ServerFixture> StartOnLoopbackAsync(ServerOptions? options = null)
    {
        var (app, tokens, folder) = Build(options ?? new ServerOptions(), null, "http://127.0.0.1:0");
        await app.StartAsync();
        return new ServerFixture(app, tokens, new SocketsHttpHandler(), new Uri(app.Urls.First()), folder);
    }

    private static (WebApplication App, StaticTokensForTests Tokens, string Folder) Build(ServerOptions options, Action<WebApplicationBuilder>? configure, string? urls = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var tokens = StaticTokens.LoadOrCreate(folder, dev: false);
        var app = CausewayServer.Build(Replica.OpenInMemory(), tokens, new ServerOptions
        {
            DataDirectory = folder, Urls = urls ?? options.Urls, Dev = options.Dev, MaxRequestBytes = options.MaxRequestBytes,
            MaxImportBytes = options.MaxImportBytes, MaxInFlightWrites = options.MaxInFlightWrites,
            Time = options.Time, OwnerKeyFile = options.OwnerKeyFile, MaxRememberedInvocations = options.MaxRememberedInvocations,
            CorsOrigins = options.CorsOrigins,
        }, configure);
        return (app, new StaticTokensForTests(tokens.AdminToken, tokens.ReadToken), folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _handler.Dispose();
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
