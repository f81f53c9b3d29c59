using Causeway.Documents;

namespace Causeway.Transactions;

/// <summary>All intents of one transaction on one document, in order, and what the document must be
/// for them to apply (<see cref="WriteCondition"/>; none when null). The pipeline checks the condition
/// where it reads the document's latest version, so the check and the write are one step.</summary>
internal sealed record DocumentWrites(string Collection, string Id, IReadOnlyList<DocumentIntent> Intents, WriteCondition? Condition = null);
