using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Http;
using Causeway.Tests.Support;

namespace Causeway.Tests.Hosting;

/// <summary>The Prometheus scrape endpoint under load: concurrent writers over loopback HTTP, then
/// the commit counter and histograms agree with the writes acknowledged.</summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_scraped_under_load_count_at_least_the_acknowledged_writes()
    {
        using var folder = new TempFolder();
        var app = await CausewayServer.BuildAsync(new ServerOptions { DataDirectory = folder.Path, Urls = "http://127.0.0.1:0", Prometheus = true });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(folder.Path, StaticTokens.AdminFile)).Trim());
            Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/v1/dbs/shop", null)).StatusCode);
            var before = await ScrapeAsync(http);

            const int Writers = 8, EachWrites = 25;
            int acknowledged = 0;
            var scrapes = new List<string>();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < EachWrites; i++)
                {
                    using var put = await http.PutAsync($"/v1/dbs/shop/docs/orders/w{w}-{i}", HttpExtensions.Json($$"""{"total":{{i}}}"""));
                    if (put.IsSuccessStatusCode) Interlocked.Increment(ref acknowledged);
                }
            })).ToList();
            // Scraped while the writers run, too: the endpoint answers under load.
            while (!writers.All(w => w.IsCompleted)) { scrapes.Add(await http.GetStringAsync("/metrics")); await Task.WhenAny(Task.WhenAll(writers), Task.Delay(50)); }
            await Task.WhenAll(writers);
            Assert.Equal(Writers * EachWrites, acknowledged);
            Assert.All(scrapes, s => Assert.Contains("# TYPE", s));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/dbs/shop/docs/orders/w0-0")).StatusCode);

            // The exporter may answer from a short cache: wait, with a deadline, for a scrape after the writes.
            Dictionary<string, double> after = [];
            await Deadline.UntilAsync(async () =>
            {
                after = await ScrapeAsync(http);
                return Value(after, "causeway_commits_total") - Value(before, "causeway_commits_total") >= acknowledged;
            }, TimeSpan.FromSeconds(15), () => $"commits counted {Value(after, "causeway_commits_total") - Value(before, "causeway_commits_total")} of {acknowledged} acknowledged", pollMilliseconds: 200);

            double groups = Value(after, "causeway_commit_group_size_count") - Value(before, "causeway_commit_group_size_count");
            double grouped = Value(after, "causeway_commit_group_size_sum") - Value(before, "causeway_commit_group_size_sum");
            Assert.True(groups > 0, "the group-size histogram moved");
            Assert.True(grouped >= acknowledged, $"groups held {grouped} commits; {acknowledged} were acknowledged");
            // An fsync for every group (catalog changes have one too), a signature for every local commit.
            Assert.True(Value(after, "causeway_commit_fsync_duration_seconds_count") - Value(before, "causeway_commit_fsync_duration_seconds_count") >= groups);
            Assert.True(Value(after, "causeway_commit_sign_duration_seconds_count") - Value(before, "causeway_commit_sign_duration_seconds_count") >= acknowledged);
            // The pipeline's steps (summed over the phase label): four per local commit, three per group.
            double steps = Value(after, "causeway_commit_phase_duration_seconds_count") - Value(before, "causeway_commit_phase_duration_seconds_count");
            Assert.True(steps >= 4 * acknowledged + 3 * groups, $"{steps} pipeline steps timed for {acknowledged} commits in {groups} groups");
            Assert.True(Value(after, "causeway_reads_total") - Value(before, "causeway_reads_total") >= 1);
            Assert.True(Value(after, "causeway_store_size_bytes") > 0, "the store's size is reported");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Summed over label sets (other replicas of this process report too): name -> total.
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match line in Sample().Matches(await response.Content.ReadAsStringAsync()))
        {
            string name = line.Groups["name"].Value;
            if (line.Groups["labels"].Value.Contains("le=", StringComparison.Ordinal)) continue;
            totals[name] = totals.GetValueOrDefault(name) + double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return totals;
    }

    private static double Value(Dictionary<string, double> scrape, string name) => scrape.GetValueOrDefault(name);

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?<labels>\{[^}]*\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
