using Microsoft.CodeAnalysis;

namespace Causeway.Models.Analyzers;

/// <summary>The Causeway.Models types a query's lambdas are checked against, found once per compilation.</summary>
internal sealed class ModelSymbols
{
    public INamedTypeSymbol TypedQuery { get; }
    public INamedTypeSymbol? Counter { get; }
    public INamedTypeSymbol? BoundedCounter { get; }
    public INamedTypeSymbol? Flag { get; }
    public INamedTypeSymbol? Ref { get; }
    public INamedTypeSymbol? CrdtSet { get; }
    public INamedTypeSymbol? AwSet { get; }
    public INamedTypeSymbol? RwSet { get; }
    public INamedTypeSymbol? Ignore { get; }

    private ModelSymbols(Compilation compilation, INamedTypeSymbol typedQuery)
    {
        TypedQuery = typedQuery;
        Counter = compilation.GetTypeByMetadataName("Causeway.Models.Counter");
        BoundedCounter = compilation.GetTypeByMetadataName("Causeway.Models.BoundedCounter");
        Flag = compilation.GetTypeByMetadataName("Causeway.Models.Flag");
        Ref = compilation.GetTypeByMetadataName("Causeway.Models.Ref`1");
        CrdtSet = compilation.GetTypeByMetadataName("Causeway.Models.CrdtSet`1");
        AwSet = compilation.GetTypeByMetadataName("Causeway.Models.AwSet`1");
        RwSet = compilation.GetTypeByMetadataName("Causeway.Models.RwSet`1");
        Ignore = compilation.GetTypeByMetadataName("Causeway.Models.IgnoreAttribute");
    }

    /// <summary>Null when the compilation does not reference Causeway.Models: nothing to check.</summary>
    public static ModelSymbols? Of(Compilation compilation)
        => compilation.GetTypeByMetadataName("Causeway.Models.TypedQuery`1") is { } typedQuery ? new ModelSymbols(compilation, typedQuery) : null;

    public static bool Same(ISymbol? a, ISymbol? b) => a is not null && SymbolEqualityComparer.Default.Equals(a, b);

    public static bool IsOf(ITypeSymbol? type, INamedTypeSymbol? generic) => type is INamedTypeSymbol named && Same(named.OriginalDefinition, generic);

    public bool IsSet(ITypeSymbol? type) => IsOf(type, AwSet) || IsOf(type, RwSet);

    public bool IsCrdtValue(ITypeSymbol? type) => Same(type, Counter) || Same(type, BoundedCounter) || Same(type, Flag);

    /// <summary>What the model maps as a nested object: a class that is not a scalar, a collection,
    /// a counter, a flag or a reference.</summary>
    public bool IsNestedClass(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || named.SpecialType == SpecialType.System_String) return false;
        if (IsCrdtValue(named) || IsOf(named, Ref)) return false;
        foreach (var face in named.AllInterfaces)
            if (face.SpecialType == SpecialType.System_Collections_IEnumerable) return false;
        return true;
    }

    public bool IsIgnored(IPropertySymbol property)
    {
        foreach (var attribute in property.GetAttributes())
            if (Same(attribute.AttributeClass, Ignore)) return true;
        return false;
    }
}
