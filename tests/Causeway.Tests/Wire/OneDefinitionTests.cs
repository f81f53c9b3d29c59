using System.Text.Json;
using Mono.Cecil;

namespace Causeway.Tests.Wire;

/// <summary>One definition per answer shape: the server and the CLI write no JSON object of their own
/// and the client picks no member out of an answer; the codecs of Causeway.Wire do both. The compiled
/// assemblies are read with Mono.Cecil, so a hand-written answer cannot creep back in unnoticed.</summary>
/// <remarks>What the client sends (documents, patches, transactions, replicate and reservation
/// requests) and what the server reads from a request are not answers, and stay where they are.</remarks>
public sealed class OneDefinitionTests
{
    private static readonly string[] StartsAnObject = ["System.Text.Json.Utf8JsonWriter::WriteStartObject"];

    private static readonly string[] PicksAMember =
    [
        "System.Text.Json.JsonElement::GetProperty", "System.Text.Json.JsonElement::TryGetProperty", "System.Text.Json.JsonElement::EnumerateObject",
    ];

    [Fact]
    public void The_server_writes_answers_only_with_the_codecs()
    {
        var findings = Scan(typeof(Causeway.Server.CausewayServer).Assembly.Location, StartsAnObject);
        Assert.True(findings.Count == 0, "Write answers with a codec of Causeway.Wire (and the CLI will print the same); these write JSON objects themselves:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_CLI_prints_answers_only_with_the_codecs()
    {
        var findings = Scan(Path.Combine(AppContext.BaseDirectory, "Causeway.Cli.dll"), StartsAnObject);
        Assert.True(findings.Count == 0, "Print results with a codec of Causeway.Wire, the server's; these write JSON objects themselves:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_client_reads_answers_only_with_the_codecs()
    {
        var findings = Scan(typeof(Causeway.Client.CausewayClient).Assembly.Location, PicksAMember);
        Assert.True(findings.Count == 0, "Read answers with a codec of Causeway.Wire, the one the server writes them with; these read members themselves:\n" + string.Join("\n", findings));
    }

    /// <summary>The scanner bites: run over this assembly's deliberately bad type, it finds both.</summary>
    [Fact]
    public void The_scanner_finds_a_hand_written_answer_and_a_hand_read_one()
    {
        bool Bad(TypeDefinition type) => type.FullName == typeof(HandWritten).FullName!.Replace('+', '/');
        string here = typeof(OneDefinitionTests).Assembly.Location;
        Assert.Equal(["HandWritten.Answer calls System.Text.Json.Utf8JsonWriter::WriteStartObject"], Scan(here, StartsAnObject, Bad));
        Assert.Equal(["HandWritten.Position calls System.Text.Json.JsonElement::GetProperty"], Scan(here, PicksAMember, Bad));
    }

    private static List<string> Scan(string assemblyPath, string[] calls, Func<TypeDefinition, bool>? include = null)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var findings = new List<string>();
        foreach (var type in module.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is { } declaring && (outer.Name.Contains('<') || outer.Name.Contains('>'))) outer = declaring;
            if (include is not null && !include(outer)) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.Operand is not MethodReference called) continue;
                    string name = $"{called.DeclaringType.GetElementType().FullName}::{called.Name}";
                    if (calls.Contains(name)) findings.Add($"{outer.Name}.{SourceName(method)} calls {name}");
                }
        }
        return [.. findings.Distinct()];
    }

    /// <summary>A lambda or local function (<c>&lt;Answer&gt;b__0_0</c>) by the method it is in.</summary>
    private static string SourceName(MethodDefinition method)
        => method.Name.StartsWith('<') && method.Name.IndexOf('>') is > 1 and var end ? method.Name[1..end] : method.Name;

    private static class HandWritten
    {
        public static void Answer(Utf8JsonWriter w, long position)
        {
            w.WriteStartObject();
            w.WriteNumber("position", position);
            w.WriteEndObject();
        }

        public static long Position(JsonElement json) => json.GetProperty("position").GetInt64();
    }
}
