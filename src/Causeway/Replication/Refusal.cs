using Causeway.Errors;

namespace Causeway.Replication;

/// <summary>The one wording of a refusal of what the peer sent, for the codec and the session alike.</summary>
internal static class Refusal
{
    public static SyncRefusedException PeerSent(string what) => new($"The peer sent {what}.");
}
