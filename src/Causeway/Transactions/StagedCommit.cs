using Causeway.Clocks;
using Causeway.Ledger;

namespace Causeway.Transactions;

/// <summary>A commit that is staged (encoded, signed, positioned) but whose records are not yet written.
/// <see cref="Previous"/> holds, for each of <see cref="Versions"/>, the document's version before
/// this commit (null for a document it creates).</summary>
internal sealed record StagedCommit(DatabaseRuntime Database, Commit Commit, DocumentOp?[] Ops, long Position, VersionRecord[] Versions, ChangedDocument[] Changed, HlcTimestamp AppliedAt,
    VersionRecord?[] Previous);
