namespace Causeway.Schemas;

/// <summary>How one constraint of a schema is kept: the technique (conflict_free, atomic_group,
/// bounded_counter, reservation) and the operations that may have to coordinate with another
/// replica (empty when none ever does).</summary>
public sealed record ConstraintAnalysis(
    string Collection,
    string Constraint,
    string Kind,
    string Technique,
    IReadOnlyList<string> Coordinates,
    string Explanation);

/// <summary>What the analyzer says of a whole schema, one entry per constraint.</summary>
public sealed record SchemaAnalysis(IReadOnlyList<ConstraintAnalysis> Constraints);

/// <summary>A stored document that breaks a constraint of the schema now in force: reported, never
/// silently kept as valid or dropped.</summary>
public sealed record SchemaViolation(string Collection, string Id, string Constraint, string Problem);
