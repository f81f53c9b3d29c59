using Causeway.Tests.Support;
using Xunit.Abstractions;

namespace Causeway.Tests.Packaging;

/// <summary>The NuGet packages as a user gets them (docs/deployment.md): their metadata, the CLI
/// installed as a .NET tool from a folder feed, and an app that references the packages, not the
/// projects, and syncs an embedded replica with a server it hosts.</summary>
public sealed class PackageTests(PackedFeed feed, ITestOutputHelper output) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(180);

    [Fact]
    public void Every_package_carries_its_metadata_readme_and_symbols()
    {
        output.WriteLine($"dotnet pack took {feed.PackTime.TotalSeconds:0} s; version {feed.Version}");
        foreach (var id in PackedFeed.Packages)
        {
            var meta = feed.Nuspec(id);
            Assert.Equal(id, (string?)meta.Element("id"));
            Assert.Equal(feed.Version, (string?)meta.Element("version"));
            Assert.Equal("MIT", (string?)meta.Element("license"));
            Assert.Equal("README.md", (string?)meta.Element("readme"));
            Assert.False(string.IsNullOrWhiteSpace((string?)meta.Element("description")), $"{id} has no description");
            Assert.False(string.IsNullOrWhiteSpace((string?)meta.Element("authors")), $"{id} has no authors");
            Assert.Contains("causeway", ((string?)meta.Element("tags") ?? "").Split(' '));
            Assert.False(string.IsNullOrWhiteSpace((string?)meta.Element("repository")?.Attribute("url")), $"{id} has no repository url");
            Assert.Contains("README.md", feed.Entries(id));
            Assert.True(File.Exists(Path.Combine(feed.Feed, $"{id}.{feed.Version}.snupkg")), $"{id} has no symbols package");
        }
        // Descriptions are each package's own.
        Assert.Equal(PackedFeed.Packages.Length, PackedFeed.Packages.Select(id => (string?)feed.Nuspec(id).Element("description")).Distinct().Count());
        // The typed-query checks ride in the Models package, not in a package of their own.
        Assert.Contains("analyzers/dotnet/cs/Causeway.Models.Analyzers.dll", feed.Entries("Causeway.Models"));
        // Nothing that is not a product is packed.
        Assert.Equal(PackedFeed.Packages.Length, Directory.GetFiles(feed.Feed, "*.nupkg").Length);
    }

    [Fact]
    public void The_client_package_carries_neither_the_engine_nor_rocksdb_and_the_engine_does()
    {
        var client = Dependencies("Causeway.Client");
        Assert.Equal(["Causeway.Abstractions", "Causeway.Capabilities"], client.Order());
        var engine = Dependencies("Causeway");
        Assert.Contains("RocksDB", engine);
        Assert.Contains("Causeway.Abstractions", engine);
        Assert.Contains("Causeway.Capabilities", engine);
        Assert.Contains("Causeway", Dependencies("Causeway.Server"));
        Assert.DoesNotContain(feed.Entries("Causeway.Client"), e => e.Contains("rocksdb", StringComparison.OrdinalIgnoreCase) || e.StartsWith("runtimes/", StringComparison.Ordinal));

        var cli = feed.Nuspec("Causeway.Cli");
        Assert.Equal("DotnetTool", (string?)cli.Element("packageTypes")?.Element("packageType")?.Attribute("name"));
        Assert.Contains(feed.Entries("Causeway.Cli"), e => e.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_tool_installs_from_the_feed_and_its_causeway_command_runs_the_demo()
    {
        string tools = Path.Combine(feed.Work, "tools");
        var (exit, text) = await ChildProcess.RunAsync("dotnet",
            ["tool", "install", "--tool-path", tools, "--add-source", feed.Feed, "Causeway.Cli", "--version", feed.Version], Step);
        Assert.True(exit == 0, $"dotnet tool install failed ({exit}):\n{text}");

        string causeway = Path.Combine(tools, "causeway");
        Assert.True(File.Exists(causeway), $"the tool installed no 'causeway' command: {string.Join(", ", Directory.GetFiles(tools))}");
        (exit, text) = await ChildProcess.RunAsync(causeway, ["demo"], TimeSpan.FromSeconds(90), workingDirectory: feed.Work);
        Assert.True(exit == 0, $"causeway demo exited {exit}:\n{text}");
        Assert.Contains("verify: ok, 3 commits", text);
        Assert.Contains("demo.shop holds 2 documents in 3 commits", text);
    }

    [Fact]
    public async Task An_app_on_the_packages_syncs_an_embedded_replica_with_the_server_it_hosts()
    {
        string app = Path.Combine(feed.Work, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "PackagedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestoreAdditionalProjectSources>{feed.Feed}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Causeway" Version="{feed.Version}" />
                <PackageReference Include="Causeway.Server" Version="{feed.Version}" />
                <PackageReference Include="Causeway.Client" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), AppProgram);

        var (exit, text) = await ChildProcess.RunAsync("dotnet", ["build", app, "-c", "Release", "-nologo", "-clp:ErrorsOnly", "-o", Path.Combine(app, "out")], Step);
        Assert.True(exit == 0, $"building the app on the packages failed ({exit}):\n{text}");
        // Built from the packages: the engine assembly came from the feed's version, not a project.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"Causeway.Server/{feed.Version}\"", assets);
        Assert.DoesNotContain("\"type\": \"project\"", assets);

        (exit, text) = await ChildProcess.RunAsync("dotnet", [Path.Combine(app, "out", "PackagedApp.dll"), Path.Combine(feed.Work, "app-data"), $"{ServerProcess.FreePort()}"],
            TimeSpan.FromSeconds(90), workingDirectory: app);
        output.WriteLine(text);
        Assert.True(exit == 0, $"the app exited {exit}:\n{text}");
        Assert.Matches(@"synced: [1-9]\d* sent", text);
        Assert.Contains("served o-1: total 12", text);
    }

    private List<string> Dependencies(string id)
        => [.. feed.Nuspec(id).Descendants("dependency").Select(d => (string)d.Attribute("id")!).Distinct()];

    /// <summary>Hosts a server (Causeway.Server) on a loopback port, writes in an embedded replica
    /// (Causeway), syncs it to the server, and reads the document back over HTTP (Causeway.Client).</summary>
    private const string AppProgram = """"
        using Causeway;
        using Causeway.Client;
        using Causeway.Server;

        string root = args[0];
        string url = $"http://127.0.0.1:{args[1]}";
        string served = Path.Combine(root, "served");
        await using var server = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = served, Urls = url });
        await server.StartAsync();
        string token = File.ReadAllText(Path.Combine(served, "admin.token")).Trim();

        await using (var replica = await Replica.OpenAsync(Path.Combine(root, "embedded")))
        {
            var shop = replica.TryGetDatabase("shop") ?? await replica.CreateDatabaseAsync("shop");
            await shop.PutJsonAsync("orders", "o-1", """{"total": 12}""");
            var result = await replica.SyncWithServerAsync("shop", new Uri(url), token);
            Console.WriteLine($"synced: {result.Sent} sent, {result.Applied} applied");
        }

        using var client = new CausewayClient(new Uri(url), token);
        var order = await client.Database("shop").GetAsync("orders", "o-1");
        Console.WriteLine(order is null ? "served o-1: missing" : $"served o-1: total {order.Fields.Get("total")?.AsInt()}");
        await server.StopAsync();
        """";
}
