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
    public INamedTypeSymbol? MvReg { get; }
    public INamedTypeSymbol? Ignore { get; }
    public INamedTypeSymbol? MvRegAttribute { get; }

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
        MvReg = compilation.GetTypeByMetadataName("Causeway.Models.MvReg`1");
        Ignore = compilation.GetTypeByMetadataName("Causeway.Models.IgnoreAttribute");
        MvRegAttribute = compilation.GetTypeByMetadataName("Causeway.Models.MvRegAttribute");
    }

    /// <summary>Null when the compilation does not reference Causeway.Models: nothing to check.</summary>
    public static ModelSymbols? Of(Compilation compilation)
        => compilation.GetTypeByMetadataName("Causeway.Models.TypedQuery`1") is { } typedQuery ? new ModelSymbols(compilation, typedQuery) : null;

    public static bool Same(ISymbol? a, ISymbol? b) => a is not null && SymbolEqualityComparer.Default.Equals(a, b);

    public static bool IsOf(ITypeSymbol? type, INamedTypeSymbol? generic) => type is INamedTypeSymbol named && Same(named.OriginalDefinition, generic);

    public bool IsSet(ITypeSymbol? type) => IsOf(type, AwSet) || IsOf(type, RwSet);

    /// <summary>An <c>MvReg&lt;T&gt;</c>: its stored field is the array of its values, tested by Contains as a set is.</summary>
    public bool IsMvReg(ITypeSymbol? type) => IsOf(type, MvReg);

    /// <summary>A <c>Dictionary&lt;,&gt;</c>, which the model maps as a nested map read entry by entry.</summary>
    public bool IsDictionary(ITypeSymbol? type)
        => type is INamedTypeSymbol { OriginalDefinition.MetadataName: "Dictionary`2", ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace.Name: "System" } } };

    /// <summary>A <c>List&lt;T&gt;</c> or <c>T[]</c> (not <c>byte[]</c>, one bytes value): its element, else null.</summary>
    public static ITypeSymbol? ListElement(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } array when array.ElementType.SpecialType != SpecialType.System_Byte => array.ElementType,
        INamedTypeSymbol { OriginalDefinition.MetadataName: "List`1", ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace.Name: "System" } } } list => list.TypeArguments[0],
        _ => null,
    };

    /// <summary>A list or array of a scalar the model surely maps (string, bool, the numbers, Guid,
    /// DateTimeOffset, an enum; not a nullable one), stored as one list value that Contains tests as a set.</summary>
    public static bool IsScalarList(ITypeSymbol? type) => ListElement(type) switch
    {
        { SpecialType: SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_Int64
            or SpecialType.System_Double or SpecialType.System_Decimal } => true,
        { TypeKind: TypeKind.Enum } => true,
        INamedTypeSymbol { Name: "Guid" or "DateTimeOffset", ContainingNamespace.Name: "System" } => true,
        _ => false,
    };

    public bool IsCrdtValue(ITypeSymbol? type) => Same(type, Counter) || Same(type, BoundedCounter) || Same(type, Flag);

    /// <summary>What the model maps as a nested object: a class that is not a scalar, a collection,
    /// a counter, a flag, a register or a reference.</summary>
    public bool IsNestedClass(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named || named.SpecialType == SpecialType.System_String) return false;
        if (IsCrdtValue(named) || IsOf(named, Ref) || IsOf(named, MvReg)) return false;
        foreach (var face in named.AllInterfaces)
            if (face.SpecialType == SpecialType.System_Collections_IEnumerable) return false;
        return true;
    }

    public bool IsIgnored(IPropertySymbol property) => Has(property, Ignore);

    /// <summary>A scalar property marked <c>[MvReg]</c>: stored as the array of its concurrent values.</summary>
    public bool IsRegister(IPropertySymbol property) => Has(property, MvRegAttribute);

    private static bool Has(IPropertySymbol property, INamedTypeSymbol? attributeType)
    {
        foreach (var attribute in property.GetAttributes())
            if (Same(attribute.AttributeClass, attributeType)) return true;
        return false;
    }
}
