using System.Text.Json;
using System.Text.RegularExpressions;

namespace Causeway.Tests.Packaging;

/// <summary>What deploy/Dockerfile says the image runs, read from the file as it stands.</summary>
internal static class Dockerfile
{
    private static string Text() => File.ReadAllText(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "deploy", "Dockerfile")).Replace("\r", "");

    /// <summary>The exec-form <c>CMD</c>: the arguments of <c>causeway</c>, the entrypoint.</summary>
    public static string[] Command()
    {
        var match = Regex.Match(Text(), @"^CMD (\[.*\])$", RegexOptions.Multiline);
        Assert.True(match.Success, "deploy/Dockerfile has no exec-form CMD");
        return JsonSerializer.Deserialize<string[]>(match.Groups[1].Value)!;
    }

    /// <summary>The <c>HEALTHCHECK</c>'s bash script, asking <paramref name="port"/> instead of 7480.</summary>
    public static string HealthCheck(int port)
    {
        var match = Regex.Match(Text(), @"^HEALTHCHECK [^\n]*\\\n\s*CMD bash -c '(.*)'$", RegexOptions.Multiline);
        Assert.True(match.Success, "deploy/Dockerfile has no HEALTHCHECK of the form CMD bash -c '…'");
        Assert.Contains("/7480", match.Groups[1].Value);
        return match.Groups[1].Value.Replace("/7480", $"/{port}");
    }
}
