using Microsoft.Extensions.Options;

namespace Causeway.Server.Hosting;

/// <summary>Runs the replica with the host: at start it opens the configured sync links; once the
/// host has stopped (hosted services stopped, the server's in-flight requests finished) it closes
/// the replica. The close runs on <see cref="IHostApplicationLifetime.ApplicationStopped"/>, after
/// every hosted service whatever the order they were added in.</summary>
internal sealed class ReplicaService(ReplicaLifetime lifetime, IOptions<ServerOptions> options, IHostApplicationLifetime host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.OpenLinks(options.Value.Peers);
        host.ApplicationStopped.Register(() => lifetime.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
