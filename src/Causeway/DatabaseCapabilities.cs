using Causeway.Authority;
using Causeway.Errors;
using Causeway.Security;

namespace Causeway;

/// <summary>Who may write a database, as this replica holds it. An owned database (one with an
/// <see cref="Owner"/>) takes a commit only from its owner or from a replica whose UCAN chain from
/// the owner covers every operation in it, locally and from every peer; an open database (no owner)
/// takes every validly signed commit. See docs/security.md.</summary>
public sealed class DatabaseCapabilities
{
    private readonly Database _db;

    internal DatabaseCapabilities(Database db) => _db = db;

    private AuthorityStore Store => _db.Replica.Authority;

    /// <summary>The owner's DID: the subject of every capability on this database; null when open.</summary>
    public string? Owner => Store.Of(_db.Runtime).Owner;

    /// <summary>The chain, root first, that gives this replica its authority here (empty for the owner).</summary>
    public IReadOnlyList<Delegation> Proofs => [.. Store.Of(_db.Runtime).OwnProofs.Select(p => Store.Find(p)!)];

    /// <summary>Makes the database owned by <paramref name="ownerDid"/>. Allowed while it has no
    /// commits (an owner cannot be imposed on data written without one); setting the same owner
    /// again does nothing.</summary>
    /// <exception cref="InvalidInputException">Not a did:key.</exception>
    /// <exception cref="PreconditionFailedException">The database already has commits or another owner.</exception>
    public void SetOwner(string ownerDid)
    {
        if (!DidKey.IsValid(ownerDid)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(ownerDid)}' is not an Ed25519 did:key.");
        var state = Store.Of(_db.Runtime);
        if (state.Owner == ownerDid) return;
        if (state.Owner is not null) throw new PreconditionFailedException($"Database '{_db.Name}' is owned by {state.Owner}; its owner does not change.");
        if (_db.Position > 0) throw new PreconditionFailedException($"Database '{_db.Name}' already has {_db.Position} commits written without an owner; an owner is set before the first write.");
        Store.Set(_db.Runtime, state with { Owner = ownerDid });
    }

    /// <summary>Records <paramref name="revocation"/> in the database, where it replicates like any
    /// commit: every commit that relies on the revoked delegation and has the revocation in its
    /// causal past is refused on every replica; commits concurrent with it stand.</summary>
    /// <param name="chain">The chain the revocation names, root first; defaults to the one it was made with.</param>
    /// <exception cref="UcanException">The revoker issued no delegation in the chain, or the chain does not line up.</exception>
    public async Task<WriteResult> RevokeAsync(Revocation revocation, IReadOnlyList<Delegation>? chain = null, CancellationToken cancellation = default)
    {
        var links = chain ?? revocation.Chain;
        var state = Store.Of(_db.Runtime);
        if (state.Owner is null) throw new PreconditionFailedException($"Database '{_db.Name}' has no owner, so it has no delegations to revoke.");
        revocation.Check(state.Owner, cid => links.FirstOrDefault(l => l.Cid == cid) ?? Store.Find(cid));
        var document = Values.Value.Map([
            new("token", Values.Value.Bytes(revocation.Token.Bytes.Span)),
            new("chain", Values.Value.Array(links.Select(l => Values.Value.Bytes(l.Bytes.Span)))),
        ]);
        return await _db.Stored.CommitSystemAsync(Schemas.SystemCollections.Revocations, revocation.Revoked.ToString(),
            new Documents.DocumentIntent.Put(document), cancellation).ConfigureAwait(false);
    }

    /// <summary>The delegations revoked in this database (as far as this replica has applied).</summary>
    public bool IsRevoked(Encoding.Cid delegation) => Store.Revocations(_db.Runtime).Contains(delegation);

    /// <summary>Uses <paramref name="chain"/> (root first, from the owner down to this replica's DID) as
    /// this replica's authority here: local commits carry it, and are refused beforehand when they
    /// reach outside it.</summary>
    /// <exception cref="UcanException">The chain does not lead from the owner to this replica now.</exception>
    public void UseProofs(IEnumerable<Delegation> chain)
    {
        var links = chain.ToList();
        var state = Store.Of(_db.Runtime);
        if (state.Owner is null) throw new PreconditionFailedException($"Database '{_db.Name}' has no owner; set one before using proofs.");
        ProofChain.Establish(_db.Replica.Did, state.Owner, links, _db.Replica.Options.Time.GetUtcNow().ToUnixTimeSeconds());
        foreach (var link in links) Store.Keep(link);
        Store.Set(_db.Runtime, state with { OwnProofs = [.. links.Select(l => l.Cid)] });
    }
}
