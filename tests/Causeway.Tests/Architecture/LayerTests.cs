using Causeway.Values;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Causeway.Tests.Architecture;

/// <summary>The layers docs/architecture.md lists are the layers the code keeps: the tables there are
/// read here, and the compiled assemblies are checked against them.</summary>
public sealed class LayerTests
{
    /// <summary>Upward references the shared contract keeps on purpose. Its root namespace is the public
    /// vocabulary of the API (Document and ReadPoint stay in <c>Causeway</c> for users), and
    /// a few errors carry what was missing so the engine can go and ask for it.</summary>
    private static readonly LayerException[] ContractExceptions =
    [
        new("Causeway.Queries", "Causeway.ReadPoint", "a query reads at a point of the API's vocabulary"),
        new("Causeway.Queries", "Causeway.Document", "a query answers documents of the API's vocabulary"),
        new("Causeway", "Causeway.Wire.DocumentJson", "Document.WriteJson/ToJson hand over to the one codec of a document's JSON"),
        new("Causeway.Queries", "Causeway.Wire.QueryResultJson", "QueryResult.WriteJson hands over to the one codec of a query page"),
        new("Causeway.Errors", "Causeway.Crdt.BoundSide", "insufficient_rights says which bound was short"),
        new("Causeway.Errors", "Causeway.Replication.Reservation", "reservation_unavailable carries what to ask a peer for"),
    ];

    [Fact]
    public void Engine_layers_use_only_the_layers_below_them()
    {
        var rules = new LayerRules(Layers("## Layers of the engine"));
        using var module = Read(typeof(Replica).Assembly);
        Assert.Empty(rules.Violations(module));
    }

    [Fact]
    public void Every_engine_namespace_has_a_layer()
    {
        var rules = new LayerRules(Layers("## Layers of the engine"));
        using var module = Read(typeof(Replica).Assembly);
        Assert.Empty(rules.Unclaimed(module));
    }

    [Fact]
    public void The_shared_contract_keeps_its_layers_too()
    {
        var rules = new LayerRules(Layers("## Layers of the shared contract"), ContractExceptions);
        using var module = Read(typeof(Value).Assembly);
        Assert.Empty(rules.Unclaimed(module));
        Assert.Empty(rules.Violations(module));
    }

    [Fact]
    public void The_capabilities_keep_their_layers()
    {
        var rules = new LayerRules(Layers("## Layers of the capabilities", minimum: 3));
        using var module = Read(typeof(Causeway.Authority.Delegation).Assembly);
        Assert.Empty(rules.Unclaimed(module));
        Assert.Empty(rules.Violations(module));
    }

    [Fact]
    public void The_client_carries_no_engine()
    {
        using var client = Read(typeof(Causeway.Client.CausewayClient).Assembly);
        var references = client.AssemblyReferences.Select(r => r.Name).ToList();
        Assert.Contains("Causeway.Abstractions", references);
        Assert.DoesNotContain("Causeway", references);
        Assert.DoesNotContain("RocksDbSharp", references);
        using var capabilities = Read(typeof(Causeway.Authority.Delegation).Assembly);
        Assert.Equal(["Causeway.Abstractions", "NSec.Cryptography", "System.Runtime"],
            capabilities.AssemblyReferences.Select(r => r.Name).Where(n => !n.StartsWith("System.", StringComparison.Ordinal) || n == "System.Runtime").Order(StringComparer.Ordinal));
        using var contract = Read(typeof(Value).Assembly);
        Assert.DoesNotContain(contract.AssemblyReferences, r => r.Name is "Causeway" or "Causeway.Capabilities" or "RocksDbSharp" or "NSec.Cryptography");
    }

    /// <summary>The rules are not blind: a method of a lower layer that makes an object of a higher
    /// one, in an assembly built here, is reported with its type, member and target.</summary>
    [Fact]
    public void A_reference_to_a_layer_above_is_reported()
    {
        using var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("Synthetic", new Version(1, 0)), "Synthetic", ModuleKind.Dll);
        var module = assembly.MainModule;
        var order = new TypeDefinition("Shop.High", "Order", TypeAttributes.Public | TypeAttributes.Class, module.TypeSystem.Object);
        var create = new MethodDefinition(".ctor", MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, module.TypeSystem.Void);
        create.Body.GetILProcessor().Emit(OpCodes.Ret);
        order.Methods.Add(create);
        var clerk = new TypeDefinition("Shop.Low", "Clerk", TypeAttributes.Public | TypeAttributes.Class, module.TypeSystem.Object);
        var make = new MethodDefinition("Make", MethodAttributes.Public | MethodAttributes.Static, module.TypeSystem.Object);
        var il = make.Body.GetILProcessor();
        il.Emit(OpCodes.Newobj, create);
        il.Emit(OpCodes.Ret);
        clerk.Methods.Add(make);
        // Downward is fine: the order may know its clerk.
        order.Fields.Add(new FieldDefinition("clerk", FieldAttributes.Private, clerk));
        module.Types.Add(order);
        module.Types.Add(clerk);

        var rules = new LayerRules(["Shop.Low", "Shop.High"]);
        Assert.Equal(["Shop.Low.Clerk.Make → Shop.High.Order (Shop.Low uses Shop.High, which is above it)"], rules.Violations(module));
        Assert.Empty(new LayerRules(["Shop.High", "Shop.Low"], [new("Shop.High", "Shop.Low.Clerk", "test")]).Violations(module));
    }

    /// <summary>On the real engine: were the invariants below transactions, the stage they register
    /// would be an upward reference, and the report would name it.</summary>
    [Fact]
    public void Swapping_two_engine_layers_shows_the_edges_between_them()
    {
        var layers = Layers("## Layers of the engine").ToList();
        int transactions = layers.IndexOf("Causeway.Transactions"), invariants = layers.IndexOf("Causeway.Invariants");
        (layers[transactions], layers[invariants]) = (layers[invariants], layers[transactions]);
        using var module = Read(typeof(Replica).Assembly);
        var violations = new LayerRules(layers).Violations(module);
        Assert.Contains("Causeway.Invariants.ConstraintChecks.(interface) → Causeway.Transactions.ICommitStage (Causeway.Invariants uses Causeway.Transactions, which is above it)", violations);
    }

    /// <summary>The namespaces of a layer table in docs/architecture.md, bottom first: the second
    /// column of each row under <paramref name="heading"/>, as <c>`Causeway.X`</c>.</summary>
    private static IReadOnlyList<string> Layers(string heading, int minimum = 4)
    {
        var lines = File.ReadAllLines(Path.Combine(Causeway.Tests.Encoding.RepoRoot.Find(), "docs", "architecture.md"));
        int start = Array.FindIndex(lines, l => l.Trim() == heading);
        Assert.True(start >= 0, $"docs/architecture.md has no '{heading}' section");
        var layers = new List<string>();
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 2 && cells[2].StartsWith('`') && cells[2].EndsWith('`')) layers.Add(cells[2].Trim('`'));
        }
        Assert.True(layers.Count >= minimum, $"the '{heading}' table lists {layers.Count} layers");
        return layers;
    }


    private static ModuleDefinition Read(System.Reflection.Assembly assembly)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(assembly.Location)!);
        return ModuleDefinition.ReadModule(assembly.Location, new ReaderParameters { AssemblyResolver = resolver });
    }
}
