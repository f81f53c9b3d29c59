using System.Text.Json;

namespace Causeway.Tests.Cli;

/// <summary>The runtime settings the `causeway` command ships with (its runtimeconfig.json), which
/// every server it runs (`causeway serve`, the container image) gets.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void Arrays_up_to_a_megabyte_stay_on_the_small_object_heap()
    {
        // A sync frame's commit of a hundred documents, and its stored record, are about 100 KB: on the
        // large-object heap every few megabytes of them started a full collection.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(1 << 20, properties.GetProperty("System.GC.LOHThreshold").GetInt32());
    }
}
