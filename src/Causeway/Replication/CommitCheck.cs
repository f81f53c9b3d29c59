using Causeway.Errors;
using Causeway.Ledger;

namespace Causeway.Replication;

/// <summary>What can be known of a commits frame before it is applied, from its bytes alone: each
/// commit decoded, and whether its operation blocks hash to its links and its signature verifies.
/// It needs no database, so a connection checks the next frame while the one before is being
/// applied; the receiver then takes the outcome instead of checking again. Anything the check
/// cannot vouch for (a block that does not decode, a bad hash or signature) is left to the
/// receiver, which refuses it with the same error, in the same order, as without the check.</summary>
internal sealed class CommitCheck
{
    private readonly Commit?[] _decoded;
    private readonly bool[] _valid;

    private CommitCheck(Commit?[] decoded, bool[] valid) => (_decoded, _valid) = (decoded, valid);

    /// <summary>The frame checked: the same object the receiver is handed.</summary>
    public CommitsFrame Frame { get; private init; } = null!;

    /// <summary>Checks every commit of the frame, on all cores when there are enough to share.</summary>
    public static CommitCheck Of(CommitsFrame frame)
    {
        long started = Telemetry.Instruments.Start(Telemetry.Instruments.SyncVerifyDuration);
        int n = frame.Commits.Count;
        var decoded = new Commit?[n];
        var valid = new bool[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n >= 32 ? Environment.ProcessorCount : 1 }, i =>
        {
            try
            {
                var shipped = frame.Commits[i];
                var commit = Commit.Decode(shipped.Block);
                decoded[i] = commit;
                valid[i] = Problem(commit, shipped.OpBlocks) is null;
            }
            catch (CausewayException)
            {
                // Left to the receiver, which raises it in order.
            }
        });
        Telemetry.Instruments.RecordSince(Telemetry.Instruments.SyncVerifyDuration, started);
        return new CommitCheck(decoded, valid) { Frame = frame };
    }

    /// <summary>The <paramref name="index"/>th commit, decoded here, or now (raising what its block is).</summary>
    public Commit Decoded(int index) => _decoded[index] ?? Commit.Decode(Frame.Commits[index].Block);

    /// <summary>Whether the <paramref name="index"/>th commit's hashes and signature were found good.</summary>
    public bool Vouches(int index) => _valid[index];

    /// <summary>Why the commit cannot be taken (an operation block that does not hash to the CID the
    /// commit links, or a signature that does not verify against its origin), or null when it can.</summary>
    public static InvalidCommitException? Problem(Commit commit, IReadOnlyList<byte[]?> opBlocks)
    {
        if (commit.Ops.Count != opBlocks.Count) return new InvalidCommitException($"Commit {commit.Id} links {commit.Ops.Count} operations but {opBlocks.Count} came with it.");
        for (int j = 0; j < commit.Ops.Count; j++)
            if (opBlocks[j] is { } block && !commit.Ops[j].HashMatches(block)) return new InvalidCommitException($"Commit {commit.Id}: operation {j} does not hash to {commit.Ops[j]}.");
        return commit.HasValidSignature() ? null
            : new InvalidCommitException($"Commit {commit.Id} (seq {commit.Seq} of {commit.Origin}) does not carry a valid signature of its origin.");
    }
}
