using Causeway.Client;
using Causeway.Tests.Http;

namespace Causeway.Tests.Client;

/// <summary>The contract against <see cref="RemoteDatabase"/> talking to an in-process server with the
/// admin token. The changes page is kept small so that polling goes through several pages.</summary>
public sealed class RemoteDatabaseTests : DocumentDatabaseContract
{
    private ServerFixture _server = null!;
    private CausewayClient _client = null!;

    protected override async Task StartAsync()
    {
        _server = await ServerFixture.StartAsync();
        _client = _server.CreateClient();
        _client.ChangesPageSize = 3;
    }

    protected override async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    protected override Task<IDocumentDatabase> CreateDatabaseAsync(string name) => _client.CreateDatabaseAsync(name);

    protected override Task DropDatabaseAsync(string name) => _client.DropDatabaseAsync(name);
}
