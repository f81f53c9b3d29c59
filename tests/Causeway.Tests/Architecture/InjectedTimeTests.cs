using System.Diagnostics;
using System.Security.Cryptography;
using Causeway.Clocks;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Security;
using Causeway.Values;
using Mono.Cecil;

namespace Causeway.Tests.Architecture;

/// <summary>Time and randomness are injected (docs/architecture.md, "Time and randomness"): the
/// engine reads the system clock and the system's randomness only through the replica's
/// <see cref="ReplicaOptions.Time"/> and <see cref="ReplicaOptions.Random"/>, so the simulator
/// replays all of it. The compiled engine is read with Mono.Cecil and every call is checked.</summary>
public sealed class InjectedTimeTests
{
    [Fact]
    public void The_engine_reads_time_and_randomness_only_through_its_providers()
    {
        var findings = SystemTimeScanner.Scan(typeof(Replica).Assembly.Location);
        Assert.True(findings.Count == 0,
            "Time and randomness come from ReplicaOptions.Time and ReplicaOptions.Random; these read them directly:\n"
            + string.Join("\n", findings));
    }

    /// <summary>The scanner bites: run over this assembly's deliberately bad type, it reports every
    /// kind of read, under the method that wrote it (lambdas and async methods included), and not
    /// the method that uses an injected provider.</summary>
    [Fact]
    public void The_scanner_reports_each_direct_read_by_type_and_method()
    {
        string bad = typeof(DeliberatelyBad).FullName!.Replace('+', '/'); // Cecil writes nested types with '/'
        var findings = SystemTimeScanner.Scan(typeof(InjectedTimeTests).Assembly.Location, type => type.FullName == bad);
        string[] expected =
        [
            "ReadsTheClocks calls System.DateTime::get_UtcNow",
            "ReadsTheClocks calls System.DateTime::get_Now",
            "ReadsTheClocks calls System.DateTimeOffset::get_UtcNow",
            "ReadsTheClocks calls System.DateTimeOffset::get_Now",
            "ReadsTheClocks calls System.Environment::get_TickCount",
            "ReadsTheClocks calls System.Environment::get_TickCount64",
            "ReadsTheClocks calls System.Diagnostics.Stopwatch::GetTimestamp",
            "ReadsTheClocks calls System.TimeProvider::get_System",
            "DrawsRandomness calls System.Security.Cryptography.RandomNumberGenerator::GetBytes",
            "DrawsRandomness calls System.Security.Cryptography.RandomNumberGenerator::Fill",
            "DrawsRandomness calls System.Random::get_Shared",
            "DrawsRandomness calls System.Random::.ctor",
            "DrawsRandomness calls System.Guid::NewGuid",
            "DrawsRandomness calls Causeway.Clocks.RandomSource::get_System",
            "TimesItselfAsync calls System.Diagnostics.Stopwatch::StartNew",
            "TimesItselfAsync calls System.Diagnostics.Stopwatch::get_ElapsedTicks",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), findings.Select(f => $"{f.Method} calls {f.Calls}").Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(bad, f.Type));
        Assert.DoesNotContain(findings, f => f.Method == nameof(DeliberatelyBad.UsesTheInjectedProviders));
    }

    /// <summary>Two replicas with the same key, time and seeded randomness make the same ids (plain
    /// and tagged UUIDv7) and the same session nonce.</summary>
    [Fact]
    public async Task A_replica_takes_its_ids_and_session_nonces_from_its_options()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        async Task<(string Plain, string Tagged, byte[] Nonce)> RunAsync()
        {
            var options = new ReplicaOptions { Time = new StoppedTime(at), Random = RandomSource.Seeded(42) };
            await using var replica = Replica.OpenInMemory(options, ReplicaIdentity.FromSeed(new byte[32]));
            var db = await replica.CreateDatabaseAsync("shop");
            await db.SetSchemaAsync(SchemaJson.Parse("""{ "collections": { "players": { "id": "uuid" } } }"""));
            var (plain, _) = await db.CreateAsync("orders", Value.Map([]));
            var (tagged, _) = await db.CreateAsync("players", Value.Map([]));
            var hello = Assert.IsType<HelloFrame>(db.OpenSession(SyncRole.Initiator, sends: true, wants: true).Open(0)[0]);
            return (plain, tagged, hello.Nonce);
        }
        var one = await RunAsync();
        var two = await RunAsync();
        Assert.Equal(one, two with { Nonce = one.Nonce });
        Assert.Equal(one.Nonce, two.Nonce);
        foreach (string id in new[] { one.Plain, one.Tagged })
        {
            Assert.True(UuidIds.TryParse(id, out var time, out _), id);
            Assert.Equal(at, time);
        }
    }

    /// <summary>A clock that reads one instant.</summary>
    private sealed class StoppedTime(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }

    /// <summary>What the engine must not do, for the scanner to find (never called).</summary>
    private static class DeliberatelyBad
    {
        public static long ReadsTheClocks()
            => DateTime.UtcNow.Ticks + DateTime.Now.Ticks + DateTimeOffset.UtcNow.Ticks + DateTimeOffset.Now.Ticks
               + Environment.TickCount + Environment.TickCount64 + Stopwatch.GetTimestamp() + TimeProvider.System.GetTimestamp();

        public static int DrawsRandomness()
        {
            Action<Span<byte>> fill = RandomNumberGenerator.Fill;
            Func<int> shared = () => Random.Shared.Next();
            return RandomNumberGenerator.GetBytes(1)[0] + fill.GetHashCode() + shared() + new Random(1).Next()
                   + Guid.NewGuid().GetHashCode() + RandomSource.System.GetBytes(1)[0];
        }

        public static async Task<long> TimesItselfAsync()
        {
            var clock = Stopwatch.StartNew();
            await Task.Yield();
            return clock.ElapsedTicks;
        }

        public static long UsesTheInjectedProviders(TimeProvider time, RandomSource random)
            => time.GetUtcNow().Ticks + time.GetTimestamp() + random.GetBytes(1)[0];
    }
}

/// <summary>Finds the methods of an assembly that read the system clock or the system's randomness
/// themselves. Allowed: anything inside <see cref="RandomSource"/> (the provider of randomness) and
/// <see cref="Causeway.Telemetry.Instruments"/> (durations for metrics), and
/// the defaults <see cref="TimeProvider.System"/> and <see cref="RandomSource.System"/> where the
/// engine sets them: <see cref="ReplicaOptions"/>, and <see cref="UuidIds"/> made on its own.</summary>
internal static class SystemTimeScanner
{
    /// <summary>One direct read: <see cref="Type"/> and <see cref="Method"/> as written in C# (a
    /// lambda or an async method's state machine is reported as the method it is in), and what it calls.</summary>
    public sealed record Finding(string Type, string Method, string Calls, string Il)
    {
        public override string ToString() => $"{Type}.{Method} calls {Calls} (in {Il})";
    }

    /// <summary>RandomSource provides randomness; Instruments times steps for metrics only (a duration
    /// is reported, never acted on, so a replay behaves the same).</summary>
    private static readonly string[] Providers = [typeof(RandomSource).FullName!, typeof(Causeway.Telemetry.Instruments).FullName!];
    private static readonly string[] DefaultsSetIn = [typeof(ReplicaOptions).FullName!, typeof(UuidIds).FullName!];

    public static List<Finding> Scan(string assemblyPath, Func<TypeDefinition, bool>? include = null)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var findings = new List<Finding>();
        foreach (var type in module.GetTypes())
        {
            var outer = Outermost(type);
            if (include is not null && !include(outer)) continue;
            string topLevel = TopLevel(type).FullName;
            if (Providers.Contains(topLevel)) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.Operand is not MethodReference called || Forbidden(called) is not { } what) continue;
                    if (what.IsDefault && DefaultsSetIn.Contains(topLevel)) continue;
                    findings.Add(new Finding(outer.FullName, SourceName(type, method), what.Name, $"{type.FullName}::{method.Name}"));
                }
        }
        return findings;
    }

    /// <summary>What <paramref name="called"/> reads, if it reads the system clock or randomness.</summary>
    private static (string Name, bool IsDefault)? Forbidden(MethodReference called)
    {
        string type = called.DeclaringType.GetElementType().FullName;
        string name = $"{type}::{called.Name}";
        return (type, called.Name) switch
        {
            ("System.DateTime", "get_UtcNow" or "get_Now" or "get_Today") => (name, false),
            ("System.DateTimeOffset", "get_UtcNow" or "get_Now") => (name, false),
            ("System.Environment", "get_TickCount" or "get_TickCount64") => (name, false),
            ("System.Diagnostics.Stopwatch", _) => (name, false),
            ("System.Security.Cryptography.RandomNumberGenerator", _) => (name, false),
            ("System.Random", "get_Shared" or ".ctor") => (name, false),
            ("System.Guid", "NewGuid" or "CreateVersion7") => (name, false),
            ("System.TimeProvider", "get_System") => (name, true),
            ("Causeway.Clocks.RandomSource", "get_System") => (name, true),
            _ => null,
        };
    }

    /// <summary>The type as written: compiler-made types (closures, state machines) are nested in it.</summary>
    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is { } declaring && IsCompilerMade(type.Name)) type = declaring;
        return type;
    }

    private static TypeDefinition TopLevel(TypeDefinition type)
    {
        while (type.DeclaringType is { } declaring) type = declaring;
        return type;
    }

    /// <summary>The method as written: <c>&lt;RunAsync&gt;d__9::MoveNext</c> and <c>&lt;RunAsync&gt;b__9_0</c> are RunAsync.</summary>
    private static string SourceName(TypeDefinition type, MethodDefinition method)
    {
        if (IsCompilerMade(method.Name)) return Inside(method.Name);
        for (var t = type; t.DeclaringType is not null && IsCompilerMade(t.Name); t = t.DeclaringType)
            if (Inside(t.Name) is { Length: > 0 } name) return name;
        return method.Name;
    }

    private static bool IsCompilerMade(string name) => name.StartsWith('<');

    private static string Inside(string name) => name[1..Math.Max(1, name.IndexOf('>'))];
}
