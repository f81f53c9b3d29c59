using Causeway.Documents;

namespace Causeway.Transactions;

/// <summary>All intents of one transaction on one document, in order.</summary>
internal sealed record DocumentWrites(string Collection, string Id, IReadOnlyList<DocumentIntent> Intents);
