using System.Collections.Concurrent;

namespace Causeway.Transactions;

/// <summary>One long-lived thread that runs work items in order, for work that blocks (fsync).</summary>
internal sealed class DedicatedThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _work = new();
    private readonly Thread _thread;

    public DedicatedThread(string name)
    {
        _thread = new Thread(Loop) { Name = name, IsBackground = true };
        _thread.Start();
    }

    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add((work, done));
        return done.Task;
    }

    private void Loop()
    {
        foreach (var (work, done) in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
