namespace Causeway.Tests.Client;

/// <summary>The contract against the embedded database of an in-memory replica.</summary>
public sealed class EmbeddedDatabaseTests : DocumentDatabaseContract
{
    private Replica _replica = null!;

    protected override Task StartAsync()
    {
        _replica = Replica.OpenInMemory();
        return Task.CompletedTask;
    }

    protected override async Task StopAsync() => await _replica.DisposeAsync();

    protected override async Task<IDocumentDatabase> CreateDatabaseAsync(string name) => await _replica.CreateDatabaseAsync(name);

    protected override Task DropDatabaseAsync(string name) => _replica.DropDatabaseAsync(name);
}
