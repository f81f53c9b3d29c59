using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>The collection a class is stored in.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The stored name of a property (camelCase of the property's name by default).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FieldAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A property that is not stored.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IgnoreAttribute : Attribute;

/// <summary>No two live documents of the collection share this value (a reservation, docs/invariants.md).
/// Properties that name the same <see cref="Group"/> form one unique tuple.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UniqueAttribute : Attribute
{
    public string? Group { get; init; }
}

/// <summary>The field must be present on every write.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>A check over the document's lww fields, by their stored names (docs/invariants.md, Checks).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CheckAttribute : Attribute
{
    public CheckAttribute(string expression) => Expression = expression;

    public CheckAttribute(string name, string expression)
    {
        Name = name;
        Expression = expression;
    }

    /// <summary>The check's name; <c>check_1</c>, <c>check_2</c>… in declaration order when not given.</summary>
    public string? Name { get; }
    public string Expression { get; }
}

/// <summary>A scalar kept as a multi-value register (<c>mvreg</c>): concurrent assignments all survive
/// until a later one replaces them. The property shows one of them (the last in dot order); an
/// <see cref="MvReg{T}"/> property shows them all and needs no attribute.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MvRegAttribute : Attribute;

/// <summary>How a <see cref="Ref{T}"/> behaves when its target is deleted concurrently (add-wins by default).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ReferencesAttribute : Attribute
{
    public ReferencePolicy Policy { get; init; } = ReferencePolicy.AddWins;
}

/// <summary>The bounds of a <see cref="BoundedCounter"/>; each must include 0, where it starts.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BoundsAttribute : Attribute
{
    public long Min { get; init; } = long.MinValue;
    public long Max { get; init; } = long.MaxValue;

    internal long? MinOrNull => Min == long.MinValue ? null : Min;
    internal long? MaxOrNull => Max == long.MaxValue ? null : Max;
}

/// <summary>A <see cref="Flag"/> where a concurrent disable wins (<c>flag_dw</c>); enable wins otherwise.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DisableWinsAttribute : Attribute;

/// <summary>The database names new documents of this class (docs/invariants.md, Generated ids).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GeneratedIdAttribute(IdKind kind) : Attribute
{
    public IdKind Kind { get; } = kind;
}

/// <summary>How the database names new documents.</summary>
public enum IdKind
{
    /// <summary>UUIDv7 with the replica's tag: unique without coordination.</summary>
    Uuid,
    /// <summary>Dense integers from blocks the home replica hands out.</summary>
    Sequence,
    /// <summary>Hybrid-clock time, replica tag and index: unique and causally ordered.</summary>
    Ordered,
}
