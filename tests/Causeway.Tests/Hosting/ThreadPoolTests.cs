using Causeway.Server;
using Causeway.Tests.Support;

namespace Causeway.Tests.Hosting;

/// <summary>The server is a guest in its application's process: it leaves the thread pool as the
/// application set it (docs/decisions.md, "The server leaves the thread pool's settings alone").</summary>
public sealed class ThreadPoolTests
{
    [Fact]
    public async Task Building_and_serving_leaves_the_thread_pools_minimum_as_it_was()
    {
        // The test process raises the minimum for itself (TestProcessThreads); for this test it goes
        // back to the runtime's own, which a server raising it would change.
        ThreadPool.GetMinThreads(out int raised, out int io);
        int workers = Environment.ProcessorCount;
        ThreadPool.SetMinThreads(workers, io);
        using var folder = new TempFolder();
        var app = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = folder.Path, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            using var health = await http.GetAsync("/health");
            Assert.True(health.IsSuccessStatusCode);
            ThreadPool.GetMinThreads(out int workersAfter, out int ioAfter);
            Assert.Equal((workers, io), (workersAfter, ioAfter));
        }
        finally
        {
            ThreadPool.SetMinThreads(raised, io);
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
