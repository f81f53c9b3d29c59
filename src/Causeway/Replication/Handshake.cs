using Causeway.Errors;
using Causeway.Security;
using Causeway.Transactions;

namespace Causeway.Replication;

/// <summary>A session's opening: each side says hello (who it is, what it holds, which way commits
/// flow) and proves it holds its key by signing the other's nonce. Settles which way commits flow (an
/// acceptor mirrors the initiator, within its permission) and resends what got lost until both proofs
/// are in.</summary>
internal sealed class Handshake
{
    private readonly StoredDatabase _db;
    private readonly ReplicaIdentity _identity;
    private readonly Authority.AuthorityStore _authority;
    private readonly SyncPermission _permission;
    private readonly byte[] _nonce;
    private long _helloSentAt = long.MinValue;
    private bool _peerProven;

    public Handshake(SyncEndpoint local, SyncRole role, bool sends, bool wants, SyncPermission permission)
    {
        _db = local.Database;
        _identity = local.Identity;
        _authority = local.Authority;
        _nonce = local.Random.GetBytes(16); // from the replica's source, so a simulation replays it
        _permission = permission;
        Role = role;
        Sends = sends;
        Wants = wants;
    }

    public SyncRole Role { get; }

    /// <summary>Whether this side streams its commits (for an acceptor, settled by the peer's hello).</summary>
    public bool Sends { get; private set; }

    /// <summary>Whether this side takes the peer's commits.</summary>
    public bool Wants { get; private set; }

    /// <summary>The peer's hello, once it arrived and was accepted.</summary>
    public HelloFrame? PeerHello { get; private set; }

    public bool Established => PeerHello is not null && _peerProven;

    /// <summary>The initiator's first frame; an acceptor answers the peer's hello instead.</summary>
    public IReadOnlyList<SyncFrame> Open(long now)
    {
        if (Role == SyncRole.Acceptor) return [];
        _helloSentAt = now;
        return [Hello()];
    }

    /// <summary>Accepts the peer's hello (or, when it says hello again, answers again) and answers with this side's.</summary>
    public IReadOnlyList<SyncFrame> OnHello(HelloFrame hello, long now)
    {
        if (PeerHello is not null)
        {
            // The peer said hello again: our answer got lost. Answer again (the same hello and proof).
            if (hello.Replica != PeerHello.Replica || !hello.Nonce.AsSpan().SequenceEqual(PeerHello.Nonce)) throw Refusal.PeerSent("a second, different hello");
            return Answer();
        }
        if (hello.Version != SyncFrame.ProtocolVersion) throw Refusal.PeerSent($"protocol version {hello.Version}; this replica speaks {SyncFrame.ProtocolVersion}");
        if (hello.Database != _db.Name) throw Refusal.PeerSent($"a hello for database '{Documents.Names.Clip(hello.Database)}' on a session for '{_db.Name}'");
        if (!DidKey.IsValid(hello.Replica)) throw Refusal.PeerSent($"a hello from '{Documents.Names.Clip(hello.Replica)}', which is not a did:key");
        if (hello.Replica == _db.ReplicaDid) throw Refusal.PeerSent("a hello from this very replica: a replica does not sync with itself");
        if (hello.Nonce.Length != 16) throw Refusal.PeerSent("a nonce that is not 16 bytes");
        if (Role == SyncRole.Acceptor)
        {
            if (hello.Sends && !_permission.MayPush) throw new ForbiddenException($"The token may not write database '{_db.Name}', so the peer may not push to it.");
            if (hello.Wants && !_permission.MayPull) throw new ForbiddenException($"The token may not read database '{_db.Name}', so the peer may not pull from it.");
            Sends = hello.Wants;
            Wants = hello.Sends;
        }
        else
        {
            if (Sends && !hello.Wants) throw Refusal.PeerSent("a hello that does not take the commits this side pushes");
            if (Wants && !hello.Sends) throw Refusal.PeerSent("a hello that does not send the commits this side pulls");
        }
        AgreeOnOwner(hello.Owner, hello.Replica);
        PeerHello = hello;
        _helloSentAt = now;
        return Answer();
    }

    /// <summary>Both sides must hold the database under one owner, or the same commits would be judged by
    /// different rules. A side that has no owner and no commits yet (it was just created to receive
    /// the database) takes the peer's; an open database with commits never becomes owned this way.</summary>
    private void AgreeOnOwner(string? peerOwner, string peer)
    {
        var state = _authority.Of(_db.Runtime);
        if (peerOwner is null || peerOwner == state.Owner) return;
        if (!DidKey.IsValid(peerOwner)) throw Refusal.PeerSent($"an owner '{Documents.Names.Clip(peerOwner)}' that is not a did:key");
        if (state.Owner is not null)
            throw new SyncRefusedException($"Database '{_db.Name}' is owned by {state.Owner} here and by {peerOwner} on {peer}: they are not the same database.");
        if (_db.Position > 0)
            throw new SyncRefusedException($"Database '{_db.Name}' is open here (it has commits and no owner) and owned by {peerOwner} on the peer: they are not the same database.");
        _authority.Set(_db.Runtime, state with { Owner = peerOwner });
    }

    /// <summary>Checks the peer's proof: true once it holds the key of the DID it named; false when the
    /// proof overtook its hello and is dropped.</summary>
    public bool OnProof(ProofFrame proof)
    {
        if (PeerHello is null)
        {
            // The acceptor's proof can overtake its hello on a network that reorders. Drop it: the
            // initiator resends its hello until answered, and the answer brings both again.
            if (Role == SyncRole.Initiator) return false;
            throw Refusal.PeerSent("a proof before its hello");
        }
        if (!Signatures.Verify(PeerHello.Replica, SyncFrameCodec.ProofPayload(_db.Name, _nonce, PeerHello.Replica), proof.Signature))
            throw Refusal.PeerSent($"a proof that does not verify: it does not hold the key of {PeerHello.Replica}");
        if (!_peerProven)
            Telemetry.Instruments.SyncSessions.Add(1, new System.Diagnostics.TagList { { "causeway.sync.role", Role == SyncRole.Initiator ? "initiator" : "acceptor" } });
        _peerProven = true;
        return true;
    }

    /// <summary>Before the session is established, what got lost is said again after <paramref name="retransmit"/>
    /// ms: the initiator says hello again; an acceptor still waiting for the proof answers again, which
    /// makes the initiator prove itself again.</summary>
    public void Resend(List<SyncFrame> frames, long now, long retransmit)
    {
        if (now - _helloSentAt < retransmit) return;
        if (Role == SyncRole.Initiator)
        {
            _helloSentAt = now;
            frames.Add(Hello());
        }
        else if (PeerHello is not null)
        {
            _helloSentAt = now;
            frames.AddRange(Answer());
        }
    }

    /// <summary>An acceptor answers a hello with its own and its proof; an initiator, which said hello first, with its proof.</summary>
    private IReadOnlyList<SyncFrame> Answer() => Role == SyncRole.Acceptor ? [Hello(), Proof()] : [Proof()];

    private HelloFrame Hello()
    {
        var record = _db.Runtime.Record;
        return new(SyncFrame.ProtocolVersion, _db.Name, _db.ReplicaDid, _nonce, record.Clock.Clone(), Sends, Wants, record.Holds) { Owner = _authority.Of(_db.Runtime).Owner };
    }

    private ProofFrame Proof() => new(_identity.Sign(SyncFrameCodec.ProofPayload(_db.Name, PeerHello!.Nonce, _db.ReplicaDid)));
}
