using Causeway.Clocks;
using Causeway.Ledger;

namespace Causeway.Transactions;

/// <summary>A commit that is staged (encoded, signed, positioned) but whose records are not yet written.
/// <see cref="Previous"/> holds, for each of <see cref="Versions"/>, the document's version before
/// this commit (null for a document it creates).</summary>
internal sealed record StagedCommit(DatabaseRuntime Database, Commit Commit, DocumentOp?[] Ops, long Position, VersionRecord[] Versions, ChangedDocument[] Changed, HlcTimestamp AppliedAt,
    VersionRecord?[] Previous)
{
    /// <summary>Each of <see cref="Versions"/> as stored, when the pipeline encoded them ahead on all
    /// cores (a large group); null otherwise.</summary>
    public byte[][]? EncodedVersions { get; set; }

    /// <summary>The <paramref name="index"/>th version as stored: encoded ahead, or now with <paramref name="scratch"/>.</summary>
    public byte[] EncodedVersion(int index, Encoding.DagCborWriter scratch) => EncodedVersions?[index] ?? Versions[index].Encode(scratch);
}
