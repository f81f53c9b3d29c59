using Causeway.Encoding;

namespace Causeway.Invariants;

/// <summary>How an ask ended: granted (an amount and the granting commit, applied here) or refused with a code.</summary>
public sealed record AskOutcome(long Granted, Cid? Commit, string? Code, string Detail)
{
    public bool IsGranted => Granted > 0;
    public static AskOutcome Refused(string code, string detail) => new(0, null, code, detail);
}
