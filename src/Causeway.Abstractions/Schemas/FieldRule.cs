using Causeway.Crdt;

namespace Causeway.Schemas;

/// <summary>What a schema says of one field: its CRDT kind, the type of its values, whether it is
/// required, what it references, and (bcounter) its bounds.</summary>
public sealed record FieldRule
{
    public required string Path { get; init; }

    /// <summary>The CRDT kind; <c>bcounter</c> is <see cref="IsBounded"/> over a counter.</summary>
    public required string Kind { get; init; }
    public ValueType? Type { get; init; }
    public bool Required { get; init; }

    /// <summary>The collection whose document ids this field holds.</summary>
    public string? References { get; init; }
    public ReferencePolicy Policy { get; init; } = ReferencePolicy.AddWins;

    public long? Min { get; init; }
    public long? Max { get; init; }

    public bool IsBounded => Kind == BCounterKind;

    public const string BCounterKind = "bcounter";

    /// <summary>The kind as the CRDT layer knows it (null for a name that is no kind; a schema read
    /// by <see cref="SchemaJson"/> has none).</summary>
    public FieldKind? CrdtKind => FieldKinds.TryParse(Kind, out var kind) ? kind : null;

    /// <summary>The kinds a schema may declare: every <see cref="FieldKind"/>'s wire name.</summary>
    public static readonly string[] Kinds = [.. FieldKinds.Names];
}

/// <summary>What happens to a reference when its target is deleted concurrently with a write of the
/// referring document (docs/invariants.md).</summary>
public enum ReferencePolicy
{
    /// <summary>Writing the child touches the parent's existence flag, so a concurrent delete is undone.</summary>
    AddWins,

    /// <summary>A child is visible only while its parent is (cascade, evaluated on converged state).</summary>
    RemoveWins,
}

/// <summary>The types a field's values may be declared to have.</summary>
public enum ValueType { String, Number, Integer, Boolean, Timestamp, Bytes, Array, Object }

/// <summary>Which values a declared <see cref="ValueType"/> admits: one rule for the engine's checks and the typed layer's reads.</summary>
public static class ValueTypes
{
    /// <summary>Whether <paramref name="value"/> (not null) is of <paramref name="type"/>: a number is an integer or a
    /// double or a decimal, an object a map.</summary>
    public static bool Admits(this ValueType type, Values.Value value) => type switch
    {
        ValueType.String => value.Kind == Values.ValueKind.String,
        ValueType.Number => value.IsNumber,
        ValueType.Integer => value.Kind == Values.ValueKind.Int,
        ValueType.Boolean => value.Kind == Values.ValueKind.Bool,
        ValueType.Timestamp => value.Kind == Values.ValueKind.Timestamp,
        ValueType.Bytes => value.Kind == Values.ValueKind.Bytes,
        ValueType.Array => value.Kind == Values.ValueKind.Array,
        _ => value.Kind == Values.ValueKind.Map,
    };
}
