// Causeway benchmarks: whole-system figures with a plain Stopwatch harness, printed as a table
// beside the peer each issue names. Modes:
//   dotnet run -c Release --project bench                 full run
//   dotnet run -c Release --project bench -- --smoke      every benchmark on tiny sizes (CI)
//   dotnet run -c Release --project bench -- soak [--rounds 100]   SIGKILL durability soak
//   dotnet run -c Release --project bench -- http       the server figures only (HTTP beside PostgreSQL)
//   dotnet run -c Release --project bench -- sync       the replication figures only (two servers on loopback)
//   dotnet run -c Release --project bench -- authority  initial sync of 100,000 commits of a delegated device, owned database against open
//   dotnet run -c Release --project bench -- functions [--calls 40000]  stored functions: a trivial call beside PATCH over HTTP and embedded, a call's set-up time
//   dotnet run -c Release --project bench -- live       live queries: 1,000 subscriptions, 1,000 writes/s, delay from commit to event
//   dotnet run -c Release --project bench -- query [--docs N] [--seconds N] [--cache-mb N]   indexed queries beside SQLite and LiteDB
//   dotnet run -c Release --project bench -- invariants the invariant figures only (rights requests over three replicas, constrained write latency)
//   dotnet run -c Release --project bench -- query [--docs 1000000] [--seconds 10]   embedded queries beside SQLite and LiteDB, past reads, index write cost
//   dotnet run -c Release --project bench -- query-http [--docs 50000] [--seconds 10] queries over HTTP beside pouchdb-server with Mango indexes
//   dotnet run -c Release --project bench -- typed-linq  typed LINQ translation: mean µs per query beside the 20 µs target
//   dotnet run -c Release --project bench -- typed       typed API beside the raw document API (write, read, query round trips on disk), target typed ≥ 80% of raw
//   dotnet run -c Release --project bench -- commits [--writers 64] [--per-writer 1000]   Causeway commits only (for profiling)
//   dotnet run -c Release --project bench -- simulate [--seeds 10000] [--from 1] [--writes 40] [--parallel N] [--trace] [--keep-going] [--owned]   deterministic simulation seeds
using Causeway.Bench;

var arguments = args.ToList();
bool smoke = arguments.Remove("--smoke");
string mode = arguments.FirstOrDefault(a => !a.StartsWith('-')) ?? "all";

try
{
    if (arguments.Contains("--cache-mb")) QueryBenchmarks.CacheBytes = (long)OptionInt(arguments, "--cache-mb", 64) << 20;
    if (arguments.Contains("--write-buffer-mb")) CommitProfile.WriteBufferBytes = (long)OptionInt(arguments, "--write-buffer-mb", 64) << 20;
    return mode switch
    {
        "all" => await AllAsync(smoke),
        "soak" => await DurabilitySoak.RunAsync(OptionInt(arguments, "--rounds", smoke ? 2 : 100)),
        "http" => await Table.RunAloneAsync(table => HttpBenchmarks.RunAsync(smoke, table)),
        "sync" => await Table.RunAloneAsync(table => SyncBenchmarks.RunAsync(smoke, table)),
        "authority" => await Table.RunAloneAsync(table => AuthorityBenchmarks.RunAsync(smoke, table)),
        "invariants" => await Table.RunAloneAsync(table => InvariantBenchmarks.RunAsync(smoke, table)),
        "query" => await Table.RunAloneAsync(table => QueryBenchmarks.RunAsync(smoke, OptionInt(arguments, "--docs", smoke ? QueryBenchmarks.SmokeDocs : QueryBenchmarks.DefaultDocs),
            OptionInt(arguments, "--seconds", QueryBenchmarks.DefaultSeconds), table)),
        "query-http" => await Table.RunAloneAsync(table => QueryBenchmarks.RunHttpAsync(smoke, OptionInt(arguments, "--docs", smoke ? QueryBenchmarks.SmokeDocs : QueryBenchmarks.DefaultHttpDocs),
            OptionInt(arguments, "--seconds", QueryBenchmarks.DefaultSeconds), table)),
        "live" => await Table.RunAloneAsync(table => LiveQueryBenchmarks.RunAsync(smoke, table)),
        "functions" => await Table.RunAloneAsync(table => FunctionBenchmarks.RunAsync(smoke, OptionInt(arguments, "--calls", smoke ? FunctionBenchmarks.SmokeCalls : FunctionBenchmarks.DefaultCalls), table)),
        "typed-linq" => await Table.RunAloneAsync(table => TypedLinqBenchmarks.RunAsync(smoke, table)),
        "typed" => await Table.RunAloneAsync(table => TypedRoundTripBenchmarks.RunAsync(smoke, table)),
        "commits" => await CoreBenchmarks.CommitsOnlyAsync(OptionInt(arguments, "--writers", 64), OptionInt(arguments, "--per-writer", smoke ? 3 : 1000)),
        "profile" => await CommitProfile.RunAsync(smoke, OptionInt(arguments, "--commits", smoke ? 200 : 5_000)),
        "history" => await HistoryCommand.RunAsync(smoke, OptionInt(arguments, "--clients", smoke ? 1 : 4), OptionInt(arguments, "--ops", smoke ? 10 : 300)),
        "simulate" => await SimulateCommand.RunAsync(OptionInt(arguments, "--seeds", smoke ? 4 : 10_000), OptionInt(arguments, "--from", 1),
            OptionInt(arguments, "--parallel", Environment.ProcessorCount), arguments.Contains("--trace"), OptionInt(arguments, "--writes", Causeway.Simulator.SimulationOptions.DefaultWrites),
            arguments.Contains("--keep-going"), arguments.Contains("--owned")),
        _ => Usage($"unknown mode '{mode}'"),
    };
}
catch (ArgumentException e)
{
    return Usage(e.Message);
}
catch (PeerMissingException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}

static async Task<int> AllAsync(bool smoke)
{
    int code = await CoreBenchmarks.RunAsync(smoke);
    // Smoke mode runs a few simulation seeds, a short recorded history and the commit profile too, so those modes never rot.
    if (code != 0 || !smoke) return code;
    code = await SimulateCommand.RunAsync(4, 1, Environment.ProcessorCount, trace: false);
    code = code != 0 ? code : await HistoryCommand.RunAsync(smoke: true, clientsPerReplica: 1, operations: 10);
    return code != 0 ? code : await CommitProfile.RunAsync(smoke: true, commits: 200);
}

static int OptionInt(List<string> arguments, string name, int fallback)
{
    int i = arguments.IndexOf(name);
    if (i < 0) return fallback;
    if (i + 1 >= arguments.Count || !int.TryParse(arguments[i + 1], out int value) || value <= 0)
        throw new ArgumentException($"{name} takes a positive whole number");
    return value;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"bench: {problem}. Usage: bench [all|http|sync|authority|invariants|query|query-http|live|functions|typed-linq|typed|soak|commits|profile|simulate|history] [--smoke] [--docs N] [--seconds N] [--cache-mb N] [--calls N] [--rounds N] [--writers N] [--per-writer N] [--commits N] [--write-buffer-mb N] [--seeds N] [--from N] [--writes N] [--parallel N] [--trace] [--keep-going] [--owned] [--clients N] [--ops N]");
    return 2;
}
