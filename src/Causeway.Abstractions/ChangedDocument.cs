namespace Causeway.Transactions;

/// <summary>A document a commit touched, for the changes feed.</summary>
public sealed record ChangedDocument(string Collection, string Id, bool Deleted);
