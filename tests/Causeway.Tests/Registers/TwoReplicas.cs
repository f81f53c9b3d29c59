using Causeway.Models;
using Causeway.Replication;
using Causeway.Tests.Http;

namespace Causeway.Tests.Registers;

/// <summary>The replica the tests' sessions talk to: embedded, or behind an in-process server through
/// <see cref="Causeway.Client.RemoteDatabase"/>; <see cref="Stored"/> is the embedded database that holds it.</summary>
public sealed class Side : IAsyncDisposable
{
    private readonly Func<ValueTask> _stop;

    private Side(IDocumentDatabase sessions, Database stored, Func<ValueTask> stop)
    {
        Sessions = sessions;
        Stored = stored;
        _stop = stop;
    }

    public IDocumentDatabase Sessions { get; }
    public Database Stored { get; }

    public static async Task<Side> EmbeddedAsync()
    {
        var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("listings");
        return new Side(db, db, replica.DisposeAsync);
    }

    public static async Task<Side> RemoteAsync()
    {
        var server = await ServerFixture.StartAsync();
        var client = server.CreateClient();
        var db = await client.CreateDatabaseAsync("listings");
        return new Side(db, server.Replica.GetDatabase("listings"), async () =>
        {
            client.Dispose();
            await server.DisposeAsync();
        });
    }

    public ValueTask DisposeAsync() => _stop();
}

/// <summary>Two replicas of the listings database: <see cref="Here"/>, the one the tests' sessions use,
/// and <see cref="There"/>, an embedded replica elsewhere; <see cref="SyncAsync"/> syncs them both ways.</summary>
public abstract class TwoReplicas : IAsyncLifetime
{
    public static readonly DocumentModel Model = DocumentModel.Of(typeof(Listing));

    private Side _side = null!;
    private Replica _elsewhere = null!;

    protected IDocumentDatabase Here => _side.Sessions;
    protected Database There { get; private set; } = null!;

    protected abstract Task<Side> OpenAsync();

    public async Task InitializeAsync()
    {
        _side = await OpenAsync();
        _elsewhere = Replica.OpenInMemory();
        There = await _elsewhere.CreateDatabaseAsync("listings");
        await Model.ApplyAsync(Here);
        await SyncAsync();
    }

    public async Task DisposeAsync()
    {
        await _elsewhere.DisposeAsync();
        await _side.DisposeAsync();
    }

    protected Task SyncAsync() => _side.Stored.SyncWithAsync(There, SyncDirection.Both);
}
