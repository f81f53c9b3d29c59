namespace Causeway.Errors;

/// <summary>Why a UCAN was refused. The names are those of the UCAN 1.0 specification's test
/// vectors, so users of other UCAN libraries recognise them; the last three are Causeway's own.</summary>
public enum UcanError
{
    /// <summary>Not a UCAN: not canonical DAG-CBOR, a missing or ill-typed field, an unknown header or tag.</summary>
    Malformed,
    /// <summary>A signature does not verify against its issuer's key.</summary>
    InvalidSignature,
    /// <summary>A proof named by CID is neither sent with the token nor held here.</summary>
    UnavailableProof,
    /// <summary>A token or proof is past its <c>exp</c>.</summary>
    Expired,
    /// <summary>A proof is before its <c>nbf</c>.</summary>
    TooEarly,
    /// <summary>A proof's audience is not the next issuer (or the invoker), or a token is not for this service.</summary>
    InvalidAudience,
    /// <summary>A proof or the invocation is about another subject.</summary>
    InvalidSubject,
    /// <summary>The chain does not reach the subject: no proof where one is needed, a powerline at the
    /// root, or a command a proof does not cover.</summary>
    InvalidClaim,
    /// <summary>The arguments do not satisfy a proof's policy.</summary>
    MatchError,
    /// <summary>A delegation in the chain was revoked.</summary>
    Revoked,
    /// <summary>The invocation was already used.</summary>
    Replayed,
}

/// <summary>A capability token was refused: <see cref="Error"/> says why in the specification's
/// terms, <see cref="Proof"/> names the token or proof at fault (its CID) when one is.</summary>
public sealed class UcanException(UcanError error, string message, string? proof = null) : CausewayException(CodeOf(error), message)
{
    public UcanError Error { get; } = error;

    /// <summary>The CID of the token or proof that failed, when one did.</summary>
    public string? Proof { get; } = proof;

    /// <summary>401 when the token cannot be used at all; 403 (<c>forbidden</c>) when it is a good
    /// token that does not carry the authority.</summary>
    public static string CodeOf(UcanError error) => error switch
    {
        UcanError.Malformed or UcanError.InvalidSignature or UcanError.UnavailableProof => ErrorCodes.TokenInvalid,
        UcanError.Expired or UcanError.TooEarly => ErrorCodes.TokenExpired,
        UcanError.Revoked => ErrorCodes.TokenRevoked,
        UcanError.Replayed => ErrorCodes.TokenReplayed,
        _ => ErrorCodes.Forbidden,
    };
}
