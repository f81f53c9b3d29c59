using Causeway.Simulator.History;
using Causeway.Tests.Http;
using Xunit.Abstractions;

namespace Causeway.Tests.History;

/// <summary>A short recorded run over real HTTP (<see cref="HistoryRun"/>: three servers on loopback
/// in a chain, clients on each, the B–C link cut and restored all along), judged by
/// <see cref="HistoryChecker"/>. <c>bench -- history</c> runs a long one.</summary>
public sealed class HttpHistoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ServerFixture> _servers = [];

    public async Task InitializeAsync()
    {
        for (int i = 0; i < 3; i++) _servers.Add(await ServerFixture.StartOnLoopbackAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }

    [Fact]
    public async Task A_run_with_a_flapping_link_is_read_atomic_causal_and_converges()
    {
        var report = await new HistoryRun([.. _servers.Select(s => (s.Url, s.AdminToken))]).RunAsync();
        output.WriteLine(report.ToString());
        Assert.Empty(report.ServerErrors);
        Assert.True(report.Anomalies.Count == 0, string.Join("\n", report.Anomalies.Take(20)));
        // The history means something: most writes landed, reads saw other replicas' writes, the link was cut.
        int appends = report.Appends.Count();
        Assert.True(appends > 20 && report.Acknowledged >= appends * 9 / 10, $"{report.Acknowledged} of {appends} writes acknowledged");
        Assert.True(report.ReadsOfOtherReplicas > 0, report.ToString());
        Assert.True(report.Cuts >= 1, "the nemesis never cut the link");
        Assert.All(report.History.Final, f => Assert.Equal(5, f.Sets.Count));
    }
}
