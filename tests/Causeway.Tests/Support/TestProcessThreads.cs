using System.Runtime.CompilerServices;

namespace Causeway.Tests.Support;

/// <summary>This test process runs dozens of servers, replicas and their clients at once, in parallel
/// classes, many of them waiting on fsyncs: it gives the thread pool threads for that up front, as an
/// application with such a load would. The server itself no longer raises the pool's minimum
/// (ThreadPoolTests); before, it did so for this whole process.</summary>
internal static class TestProcessThreads
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
    }
}
