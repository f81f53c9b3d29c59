using System.Net;
using System.Text.Json;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Causeway.Tests.OpenApi;

/// <summary>A real <c>causeway serve</c> and the document it serves, put to the tools clients use:
/// Redocly lints it, openapi-typescript + openapi-fetch and NSwag generate clients whose scripts
/// (type-checked under <c>tsc --strict</c>, compiled with the C# compiler) run against the server,
/// and headless Chromium runs the browser sample from another origin. tests/openapi holds the
/// scripts; <c>.ci/run</c> installs its packages, Chromium and the NSwag tool.</summary>
public sealed class OpenApiToolTests(ServedServer served) : IClassFixture<ServedServer>
{
    private static readonly string Repo = Causeway.Tests.Encoding.RepoRoot.Find();
    private static readonly string Folder = Path.Combine(Repo, "tests", "openapi");

    private ServerProcess Server => served.Server;
    private string Token => served.Token;
    private string DocumentPath => served.DocumentPath;
    private string PageOrigin => served.PageOrigin;

    private static Task<ToolProcess.Result> Node(TimeSpan deadline, params string[] arguments) => ToolProcess.RunAsync("node", arguments, Folder, deadline);

    private static string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    [Fact]
    public async Task Redocly_lints_the_document_without_errors()
    {
        var lint = await ToolProcess.RunAsync(Bin("redocly"), ["lint", DocumentPath, "--format=json"], Folder, TimeSpan.FromSeconds(60));
        var totals = JsonDocument.Parse(lint.Output).RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && lint.ExitCode == 0, lint.ToString());
        // The warnings left are known: no licence is stated, /health has no 4xx, the WebSocket route no 2xx,
        // and the shapes only the CLI prints are components no operation uses.
        string[] cliShapes = ["TokenReport", "SchemaDiffReport", "MigrationReport"];
        var unexpected = JsonDocument.Parse(lint.Output).RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (Rule: p.GetProperty("ruleId").GetString()!, Message: p.GetProperty("message").GetString()!))
            .Where(p => p.Rule switch
            {
                "info-license" or "operation-4xx-response" or "operation-2xx-response" => false,
                "no-unused-components" => !cliShapes.Any(shape => p.Message.Contains($"\"{shape}\"", StringComparison.Ordinal)),
                _ => true,
            }).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected) + "\n" + lint);
        Assert.True(totals.GetProperty("warnings").GetInt32() <= 6, lint.ToString());
    }

    [Fact]
    public async Task A_typescript_client_generated_from_the_document_type_checks_strictly_and_runs_against_the_server()
    {
        var types = await Node(TimeSpan.FromSeconds(60), Path.Combine("node_modules", "openapi-typescript", "bin", "cli.js"), DocumentPath, "-o", Path.Combine("generated", "api.d.ts"));
        Assert.True(types.ExitCode == 0, types.ToString());
        var compile = await ToolProcess.RunAsync(Bin("tsc"), ["-p", "tsconfig.json"], Folder, TimeSpan.FromSeconds(90));
        Assert.True(compile.ExitCode == 0, "tsc --strict: " + compile);
        var run = await Node(TimeSpan.FromSeconds(60), Path.Combine("generated", "out", "client.js"), Server.Url, Token);
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement;
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(3, result.GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task A_csharp_client_generated_by_nswag_compiles_and_runs_against_the_server()
    {
        using var project = new TempFolder();
        var generate = await ToolProcess.RunAsync("dotnet", ["nswag", "openapi2csclient", $"/input:{DocumentPath}", $"/output:{Path.Combine(project.Path, "CausewayApi.cs")}",
            "/namespace:Causeway.Generated", "/className:CausewayApi", "/generateClientInterfaces:false", "/generateOptionalPropertiesAsNullable:true",
            "/generateOptionalParameters:true"], Repo, TimeSpan.FromSeconds(60));
        Assert.True(generate.ExitCode == 0, "dotnet nswag (installed by `dotnet tool restore`, .config/dotnet-tools.json): " + generate);
        File.Copy(Path.Combine(Folder, "csharp", "Client.csproj.txt"), Path.Combine(project.Path, "Client.csproj"));
        File.Copy(Path.Combine(Folder, "csharp", "Program.cs"), Path.Combine(project.Path, "Program.cs"));
        var build = await ToolProcess.RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-clp:ErrorsOnly", "-o", Path.Combine(project.Path, "out")], project.Path, TimeSpan.FromSeconds(150));
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await ToolProcess.RunAsync("dotnet", [Path.Combine(project.Path, "out", "Client.dll"), Server.Url, Token], project.Path, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\"ok\":true", run.Output);
    }

    [Fact]
    public async Task The_browser_sample_writes_reads_and_follows_the_changes_from_another_origin_in_chromium()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Chromium is missing: `apt-get install chromium` (.ci/run does).");
        // The page's own server: another port, so every API call is cross-origin and needs CORS.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(PageOrigin);
        await using var pages = builder.Build();
        string html = await File.ReadAllTextAsync(Path.Combine(Repo, "samples", "browser", "index.html"));
        pages.MapGet("/", () => Results.Content(html, "text/html"));
        await pages.StartAsync();
        string url = $"{PageOrigin}/?api={Uri.EscapeDataString(Server.Url)}&db=notes&token={Uri.EscapeDataString(Token)}&run=1";
        var run = await Node(TimeSpan.FromSeconds(60), "browser.mjs", url);
        Assert.True(run.ExitCode == 0, run.ToString());
        var page = JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement;
        Assert.True(page.GetProperty("state").GetString() == "done", run.Output);
        Assert.Contains("Hello from the browser", page.GetProperty("read").GetString());
        Assert.Equal(2, page.GetProperty("changes").GetArrayLength());
        // The stream token in the EventSource's URL never reaches the server's log.
        Assert.DoesNotContain(StreamTokensPrefix, Server.Output);
    }

    private const string StreamTokensPrefix = Causeway.Server.Access.StreamTokens.Prefix;
}

/// <summary>One real server for the tool tests (its page origin allowed by CORS), and its document in a file.</summary>
public sealed class ServedServer : IAsyncLifetime
{
    private static readonly string Folder = Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "tests", "openapi");
    private readonly TempFolder _data = new();

    public ServerProcess Server { get; private set; } = null!;
    public string Token { get; private set; } = "";
    public string DocumentPath { get; private set; } = "";
    public string PageOrigin { get; } = $"http://127.0.0.1:{ServerProcess.FreePort()}";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", ".bin", "redocly")))
            throw new InvalidOperationException("tests/openapi/node_modules is missing: run `npm ci --prefix tests/openapi` (.ci/run does).");
        Server = await ServerProcess.StartAsync(_data.Path, arguments: ["--cors-origin", PageOrigin]);
        Token = File.ReadAllText(Path.Combine(_data.Path, "admin.token")).Trim();
        string generated = Path.Combine(Folder, "generated");
        Directory.CreateDirectory(generated);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var document = await http.GetStringAsync(Server.Url + "/openapi/v1.json");
        DocumentPath = Path.Combine(generated, $"openapi-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(DocumentPath, document);
    }

    public Task DisposeAsync()
    {
        Server?.Dispose();
        _data.Dispose();
        if (File.Exists(DocumentPath)) File.Delete(DocumentPath);
        return Task.CompletedTask;
    }
}
