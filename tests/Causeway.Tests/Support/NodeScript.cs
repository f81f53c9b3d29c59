using System.Diagnostics;
using System.Text.Json;

namespace Causeway.Tests.Support;

/// <summary>Runs one of the JavaScript reference scripts in tests/js (independent implementations
/// the suite checks Causeway against) with JSON on stdin, and reads its JSON answer.</summary>
public static class NodeScript
{
    public static JsonElement Run(string script, string input, params string[] arguments)
    {
        var js = Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "tests", "js");
        if (!Directory.Exists(Path.Combine(js, "node_modules")))
            throw new InvalidOperationException("tests/js/node_modules is missing: run `npm ci --prefix tests/js` from the repository root.");
        var start = new ProcessStartInfo("node") { WorkingDirectory = js, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"node {script} did not finish in 2 minutes."); }
        if (!Task.WaitAll([error, output], TimeSpan.FromSeconds(30))) throw new TimeoutException($"node {script} exited but its output did not close within 30 s.");
        Assert.True(process.ExitCode == 0, $"node {script} failed ({process.ExitCode}): {error.Result}");
        return JsonDocument.Parse(output.Result).RootElement.Clone();
    }
}
