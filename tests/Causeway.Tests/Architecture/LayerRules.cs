using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Causeway.Tests.Architecture;

/// <summary>Reads a compiled assembly's IL (type signatures, fields, properties, method signatures,
/// locals and every type, method and field a method body names) and reports each reference from a
/// layer to a layer above it. A namespace belongs to the layer whose namespace is its longest
/// prefix ("Causeway.Transactions.Stages" is in "Causeway.Transactions"); compiler-made types
/// (lambdas, async state machines) count as the type that wrote them.</summary>
public sealed class LayerRules(IReadOnlyList<string> layersBottomUp, IReadOnlyList<LayerException>? exceptions = null)
{
    private readonly IReadOnlyList<LayerException> _exceptions = exceptions ?? [];

    /// <summary>The layer index of a namespace, or -1 when no layer claims it.</summary>
    public int LayerOf(string ns)
    {
        int best = -1, bestLength = -1;
        for (int i = 0; i < layersBottomUp.Count; i++)
        {
            string layer = layersBottomUp[i];
            bool match = ns == layer || (ns.StartsWith(layer + ".", StringComparison.Ordinal) && layer != "Causeway");
            if (match && layer.Length > bestLength) (best, bestLength) = (i, layer.Length);
        }
        return best;
    }

    /// <summary>Namespaces of the module's own types that no layer claims.</summary>
    public IReadOnlyList<string> Unclaimed(ModuleDefinition module)
        => [.. module.Types.Select(t => t.Namespace).Where(n => n.Length > 0).Distinct().Where(n => LayerOf(n) < 0).Order(StringComparer.Ordinal)];

    /// <summary>Each upward reference once, as "Type.Member → Target (From layer → To layer)".</summary>
    public IReadOnlyList<string> Violations(ModuleDefinition module)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var owner = Owner(type);
            if (owner.Namespace.Length == 0) continue;   // <Module>, <PrivateImplementationDetails>
            int from = LayerOf(owner.Namespace);
            void Check(TypeReference? target, string member)
            {
                foreach (var definition in Definitions(target, module))
                {
                    var targetOwner = Owner(definition);
                    int to = LayerOf(targetOwner.Namespace);
                    if (to <= from || from < 0) continue;
                    if (_exceptions.Any(e => e.Allows(owner.Namespace, targetOwner.FullName))) continue;
                    found.Add($"{owner.FullName}.{member} → {targetOwner.FullName} ({layersBottomUp[from]} uses {layersBottomUp[to]}, which is above it)");
                }
            }
            Check(type.BaseType, "(base)");
            foreach (var i in type.Interfaces) Check(i.InterfaceType, "(interface)");
            foreach (var f in type.Fields) Check(f.FieldType, MemberName(type, f.Name));
            foreach (var p in type.Properties) Check(p.PropertyType, MemberName(type, p.Name));
            foreach (var m in type.Methods)
            {
                string name = MemberName(type, m.Name);
                Check(m.ReturnType, name);
                foreach (var p in m.Parameters) Check(p.ParameterType, name);
                if (!m.HasBody) continue;
                foreach (var v in m.Body.Variables) Check(v.VariableType, name);
                foreach (var instruction in m.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case MethodReference called:
                            Check(called.DeclaringType, name);
                            Check(called.ReturnType, name);
                            foreach (var p in called.Parameters) Check(p.ParameterType, name);
                            if (called is GenericInstanceMethod generic) foreach (var a in generic.GenericArguments) Check(a, name);
                            break;
                        case FieldReference field: Check(field.DeclaringType, name); Check(field.FieldType, name); break;
                        case TypeReference named: Check(named, name); break;
                    }
                }
            }
        }
        return [.. found];
    }

    /// <summary>The types of this module a reference names, generic arguments and element types included.</summary>
    private static IEnumerable<TypeDefinition> Definitions(TypeReference? reference, ModuleDefinition module)
    {
        switch (reference)
        {
            case null or GenericParameter: yield break;
            case GenericInstanceType generic:
                foreach (var d in Definitions(generic.ElementType, module)) yield return d;
                foreach (var argument in generic.GenericArguments)
                    foreach (var d in Definitions(argument, module)) yield return d;
                yield break;
            case TypeSpecification specification:
                foreach (var d in Definitions(specification.ElementType, module)) yield return d;
                yield break;
        }
        TypeDefinition? definition = null;
        try { definition = reference.Resolve(); } catch (AssemblyResolutionException) { }
        if (definition is not null && definition.Module == module) yield return definition;
    }

    /// <summary>The top-level type a (possibly compiler-made, nested) type belongs to.</summary>
    private static TypeDefinition Owner(TypeDefinition type)
    {
        while (type.IsNested) type = type.DeclaringType;
        return type;
    }

    /// <summary>"Method" for an ordinary member; the writing method for a lambda or state machine ("&lt;RunAsync&gt;d__3" → "RunAsync").</summary>
    private static string MemberName(TypeDefinition type, string member)
    {
        for (var t = type; t.IsNested; t = t.DeclaringType)
            if (t.Name.StartsWith('<') && t.Name.IndexOf('>') is > 1 and var end) return t.Name[1..end];
        if (member.StartsWith('<') && member.IndexOf('>') is > 1 and var close) return member[1..close];
        return member;
    }
}

/// <summary>A reference the layer rules allow although it goes up, with the reason.</summary>
public sealed record LayerException(string FromNamespace, string ToType, string Reason)
{
    public bool Allows(string fromNamespace, string toType) => fromNamespace == FromNamespace && toType == ToType;
}
