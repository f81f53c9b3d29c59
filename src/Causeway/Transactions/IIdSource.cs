namespace Causeway.Transactions;

/// <summary>Makes the id of a new document as its collection's schema says (uuid, ordered,
/// sequence). A sequence may have to ask a peer for a block, which is the invariants' business,
/// so a <see cref="Transaction"/> is handed one rather than knowing how.</summary>
internal interface IIdSource
{
    ValueTask<string> NewIdAsync(string collection, CancellationToken cancellation);
}
