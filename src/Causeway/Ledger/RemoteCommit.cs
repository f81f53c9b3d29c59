namespace Causeway.Ledger;

/// <summary>A commit made elsewhere, with the blocks of its operations (in the commit's order).
/// A projection (partial replication) has null for the operations it leaves out.</summary>
public sealed record RemoteCommit(Commit Commit, IReadOnlyList<byte[]?> OpBlocks)
{
    /// <summary>Set by sync, which checks operation hashes and signatures in parallel before handing
    /// commits over.</summary>
    internal bool Verified { get; init; }

    /// <summary>The UCAN delegations its capability names, as shipped with it (sync sends each once per
    /// frame); proofs not shipped are looked up among those this replica keeps.</summary>
    public IReadOnlyList<byte[]> ProofBlocks { get; init; } = [];
}
