using Causeway.Server;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Causeway.Tests.Hosting;

/// <summary>The options pattern: the "Causeway" section of any configuration source, then the delegate.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void The_Causeway_section_of_a_JSON_file_and_memory_reaches_the_options_and_the_delegate_wins()
    {
        using var folder = new TempFolder();
        string file = Path.Combine(folder.Path, "appsettings.json");
        File.WriteAllText(file, """
            { "Causeway": { "DataDirectory": "from-json", "MaxInFlightWrites": 7, "Prometheus": true,
                            "Peers": [ { "Database": "shop", "Url": "http://127.0.0.1:9/", "Direction": "pull" } ] } }
            """);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddJsonFile(file);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Causeway:MinFreeDiskBytes"] = "12345", ["Causeway:MaxInFlightWrites"] = "9" });
        builder.Services.AddCauseway(o => o.HealthPath = "/ready");
        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<ServerOptions>>().Value;
        Assert.Equal("from-json", options.DataDirectory);
        Assert.Equal(9, options.MaxInFlightWrites);          // the later source wins
        Assert.Equal(12345, options.MinFreeDiskBytes);
        Assert.True(options.Prometheus);
        Assert.Equal("/ready", options.HealthPath);           // the delegate runs last
        var peer = Assert.Single(options.Peers);
        Assert.Equal(("shop", "http://127.0.0.1:9/", "pull"), (peer.Database, peer.Url, peer.Direction));
        Assert.Equal(ServerOptions.DefaultUrl, options.Urls); // untouched keys keep their defaults
    }

    [Fact]
    public void Environment_variable_keys_reach_the_options()
    {
        // The names an environment variable gives (section and key joined by "__"), read by the
        // environment provider as the host reads them, whatever their case.
        var builder = WebApplication.CreateSlimBuilder();
        string dataName = "CWTEST_CAUSEWAY__DATADIRECTORY", writesName = "CWTEST_Causeway__MaxInFlightWrites";
        Environment.SetEnvironmentVariable(dataName, "/srv/from-env");
        Environment.SetEnvironmentVariable(writesName, "3");
        try
        {
            // The configuration manager reads a source when it is added: after the variables are set.
            builder.Configuration.AddEnvironmentVariables(prefix: "CWTEST_");
            builder.Services.AddCauseway();
            using var services = builder.Services.BuildServiceProvider();
            var options = services.GetRequiredService<IOptions<ServerOptions>>().Value;
            Assert.Equal("/srv/from-env", options.DataDirectory);
            Assert.Equal(3, options.MaxInFlightWrites);
        }
        finally
        {
            Environment.SetEnvironmentVariable(dataName, null);
            Environment.SetEnvironmentVariable(writesName, null);
        }
    }
}
