using System.IO.Compression;
using System.Xml.Linq;
using Causeway.Tests.Support;

namespace Causeway.Tests.Packaging;

/// <summary>One <c>dotnet pack</c> of the solution, shared by the packaging tests: the packages of
/// the build under test (<c>--no-build</c>) in a folder feed, with a version of their own
/// (<c>0.1.0-test.TICKS</c>) so that NuGet's global cache never answers with an older pack.</summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public string Feed => Path.Combine(_folder.Path, "feed");
    public string Work => _folder.Path;
    public string Version { get; private set; } = "";
    public TimeSpan PackTime { get; private set; }

    public static readonly string[] Packages =
        ["Causeway", "Causeway.Abstractions", "Causeway.Capabilities", "Causeway.Client", "Causeway.Server", "Causeway.Models", "Causeway.Cli"];

    public async Task InitializeAsync()
    {
        string suffix = $"test.{DateTime.UtcNow.Ticks}";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output) = await ChildProcess.RunAsync("dotnet",
            ["pack", Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "Causeway.slnx"), "-c", ChildProcess.Configuration, "--no-build",
             "-nologo", "-clp:ErrorsOnly", "-o", Feed, $"-p:VersionSuffix={suffix}"],
            TimeSpan.FromSeconds(240));
        PackTime = clock.Elapsed;
        if (exit != 0) throw new InvalidOperationException($"dotnet pack failed ({exit}):\n{output}");
        string cli = Directory.GetFiles(Feed, "Causeway.Cli.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(cli)["Causeway.Cli.".Length..];
        if (!Version.EndsWith(suffix, StringComparison.Ordinal)) throw new InvalidOperationException($"Packed version {Version} lacks the suffix {suffix}.");
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>The package's .nuspec, its XML namespace dropped.</summary>
    public XElement Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(Package(id));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        var document = XDocument.Load(stream);
        foreach (var element in document.Descendants()) element.Name = element.Name.LocalName;
        return document.Root!.Element("metadata")!;
    }

    public IReadOnlyList<string> Entries(string id)
    {
        using var zip = ZipFile.OpenRead(Package(id));
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    public Task DisposeAsync()
    {
        // The libraries that restores of this version put in the global cache are this run's only.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Version.Length > 0)
            foreach (var id in Packages)
            {
                try { Directory.Delete(Path.Combine(cache, id.ToLowerInvariant(), Version.ToLowerInvariant()), recursive: true); }
                catch (DirectoryNotFoundException) { }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
