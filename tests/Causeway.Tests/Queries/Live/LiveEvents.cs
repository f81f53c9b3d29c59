using Causeway.Queries;

namespace Causeway.Tests.Queries.Live;

/// <summary>A live query being read by a test: every wait for the next event has a timeout.</summary>
internal sealed class LiveEvents : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _cancel = new();
    private readonly IAsyncEnumerator<LiveQueryEvent> _events;
    private Task<bool>? _pending;

    public LiveEvents(IDocumentDatabase database, Query query, long? since = null)
        => _events = database.LiveQueryAsync(query, since, _cancel.Token).GetAsyncEnumerator(_cancel.Token);

    /// <summary>Starts waiting for the next event without waiting for it (a subscription joins the
    /// dispatcher when its reader asks for the event after the snapshot).</summary>
    public void Ask() => _pending ??= _events.MoveNextAsync().AsTask();

    public async Task<LiveQueryEvent> NextAsync()
    {
        Assert.True(await MoveAsync(), "The live query ended.");
        return _events.Current;
    }

    /// <summary>The sequence ends (normally) within the timeout.</summary>
    public async Task EndsAsync() => Assert.False(await MoveAsync(), "The live query went on.");

    private async Task<bool> MoveAsync()
    {
        Ask();
        try
        {
            await _pending!.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No event within {Timeout.TotalSeconds} s.");
        }
        var pending = _pending;
        _pending = null;
        return await pending;
    }

    public async ValueTask DisposeAsync()
    {
        _cancel.Cancel();
        if (_pending is not null)
        {
            try { await _pending.WaitAsync(Timeout); }
            catch (OperationCanceledException) { }
            catch (Errors.CausewayException) { }
        }
        try { await _events.DisposeAsync(); }
        catch (OperationCanceledException) { }
        _cancel.Dispose();
    }
}

/// <summary>What a subscriber does with the events: the result, kept by applying each delta.</summary>
internal sealed class LiveResult
{
    private readonly Dictionary<string, Document> _documents = new(StringComparer.Ordinal);

    public long Position { get; private set; } = -1;

    public void Apply(LiveQueryEvent e)
    {
        if (e.Kind == LiveQueryEventKind.Snapshot) _documents.Clear();
        foreach (var id in e.Left) Assert.True(_documents.Remove(id), $"{id} left at {e.Position} but was not in the result.");
        foreach (var document in e.Entered) Assert.True(_documents.TryAdd(document.Id, document), $"{document.Id} entered at {e.Position} but was in the result.");
        foreach (var document in e.Changed)
        {
            Assert.True(_documents.ContainsKey(document.Id), $"{document.Id} changed at {e.Position} but was not in the result.");
            _documents[document.Id] = document;
        }
        Assert.True(e.Position > Position, $"Event at {e.Position} after one at {Position}.");
        Position = e.Position;
    }

    /// <summary>The result as the query answers it: the same documents (fields and versions).</summary>
    public void AssertEquals(QueryResult expected, string? because = null)
    {
        var want = expected.Documents.Select(d => d.ToJson()).Order(StringComparer.Ordinal).ToList();
        var have = _documents.Values.Select(d => d.ToJson()).Order(StringComparer.Ordinal).ToList();
        Assert.True(want.SequenceEqual(have), $"{because} at {Position}:\nexpected {string.Join("\n  ", want)}\nhave     {string.Join("\n  ", have)}");
    }
}
