namespace Causeway.Schemas;

/// <summary>A named check on one document: its fields form an atomic group, so the write that wins
/// a merge is one that was checked.</summary>
public sealed record CheckRule(string Name, CheckExpression Expression);
