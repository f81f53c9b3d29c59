using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Causeway.Bench;

/// <summary>HTTP load from wrk (Debian's package, apt-get install wrk), a C load generator in a
/// process of its own: it costs the server's cores far less per request than a .NET client in the
/// server's process does, and it shares no thread pool with the server. Its Lua script sends PUTs of
/// one JSON body to fresh ids, or GETs of ids picked at random among those written.</summary>
internal static partial class WrkLoad
{
    /// <summary>wrk's path, or null with the reason it cannot run.</summary>
    public static (string? Path, string? Missing) Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = System.IO.Path.Combine(folder, "wrk");
            if (File.Exists(path)) return (path, null);
        }
        return (null, "wrk is not installed (apt-get install wrk)");
    }

    /// <summary>PUTs <paramref name="body"/> to <paramref name="idPrefix"/> followed by a fresh id per
    /// request, for <paramref name="duration"/>, from <paramref name="connections"/> connections.</summary>
    public static Task<HttpBenchmarks.Result> PutAsync(string wrk, Uri server, string token, string idPrefix, string body, int connections, TimeSpan duration)
    {
        var bodyFile = System.IO.Path.GetTempFileName();
        File.WriteAllText(bodyFile, body);
        return RunAsync(wrk, server, connections, duration, ["put", idPrefix, token, bodyFile], () => File.Delete(bodyFile));
    }

    /// <summary>GETs <paramref name="idPrefix"/> followed by a number below <paramref name="count"/>, picked at random per request.</summary>
    public static Task<HttpBenchmarks.Result> GetAsync(string wrk, Uri server, string token, string idPrefix, int count, int connections, TimeSpan duration)
        => RunAsync(wrk, server, connections, duration, ["get", idPrefix, token, count.ToString(CultureInfo.InvariantCulture)], cleanup: null);

    private static async Task<HttpBenchmarks.Result> RunAsync(string wrk, Uri server, int connections, TimeSpan duration, string[] scriptArgs, Action? cleanup)
    {
        var script = System.IO.Path.GetTempFileName();
        File.WriteAllText(script, Script);
        try
        {
            // One wrk thread per core: the server runs on the same cores.
            var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in (string[])["-t", Math.Min(Environment.ProcessorCount, connections).ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
                "--timeout", "10s", "--latency", "-s", script, server.ToString(), "--", .. scriptArgs])
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            string text = await output;
            if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await error}{text}");
            return Parse(text);
        }
        finally
        {
            File.Delete(script);
            cleanup?.Invoke();
        }
    }

    /// <summary>The rate and the 50th and 99th percentiles of wrk's report; any failed request throws.</summary>
    internal static HttpBenchmarks.Result Parse(string report)
    {
        if (NonSuccess().Match(report) is { Success: true } failed)
            throw new InvalidOperationException($"wrk saw {failed.Groups[1].Value} answers that were not 2xx or 3xx:\n{report}");
        if (SocketErrors().Match(report) is { Success: true } errors && errors.Groups.Cast<Group>().Skip(1).Any(g => g.Value != "0"))
            throw new InvalidOperationException($"wrk saw socket errors:\n{report}");
        var rate = RequestsPerSecond().Match(report);
        if (!rate.Success) throw new InvalidOperationException($"wrk's report has no rate:\n{report}");
        return new HttpBenchmarks.Result(double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Percentile(report, "50"), Percentile(report, "99"));
    }

    private static double Percentile(string report, string percent)
    {
        var match = Regex.Match(report, $@"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success) throw new InvalidOperationException($"wrk's report has no {percent}th percentile:\n{report}");
        double value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    // Each wrk thread has a Lua state of its own: setup() numbers the threads so their ids never meet.
    private const string Script = """
        local mode, prefix, body, count
        local sent = 0
        local threads = 0
        function setup(thread)
          thread:set("thread_number", threads)
          threads = threads + 1
        end
        function init(args)
          mode, prefix = args[1], args[2]
          wrk.headers["Authorization"] = "Bearer " .. args[3]
          wrk.headers["Content-Type"] = "application/json"
          if mode == "put" then
            local file = assert(io.open(args[4], "rb"))
            body = file:read("*a")
            file:close()
          else
            count = tonumber(args[4])
          end
          math.randomseed(7919 * (thread_number + 1))
        end
        function request()
          sent = sent + 1
          if mode == "put" then
            return wrk.format("PUT", prefix .. thread_number .. "-" .. sent, nil, body)
          end
          return wrk.format("GET", prefix .. math.random(0, count - 1))
        end
        """;
}
