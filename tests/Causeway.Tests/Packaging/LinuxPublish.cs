using Causeway.Tests.Support;

namespace Causeway.Tests.Packaging;

/// <summary>One <c>dotnet publish src/Causeway.Cli -r linux-x64</c>, what the container image copies
/// (deploy/Dockerfile), shared by the tests that look at it and run it. It builds into a folder of
/// its own (<c>--artifacts-path</c>), so the repository's bin/ and obj/ are left as they are.</summary>
public sealed class LinuxPublish : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public string Root => _folder.Path;
    public string Output => Path.Combine(_folder.Path, "publish");
    public TimeSpan PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output) = await ChildProcess.RunAsync("dotnet",
            ["publish", Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "src", "Causeway.Cli"), "-c", "Release", "-r", "linux-x64",
             "--artifacts-path", Path.Combine(_folder.Path, "artifacts"), "-o", Output, "-nologo", "-clp:ErrorsOnly"],
            TimeSpan.FromSeconds(300));
        PublishTime = clock.Elapsed;
        if (exit != 0) throw new InvalidOperationException($"dotnet publish -r linux-x64 failed ({exit}):\n{output}");
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
