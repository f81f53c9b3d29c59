using Causeway.Clocks;
using Causeway.Ledger;

namespace Causeway.Transactions;

/// <summary>A commit that is staged (encoded, signed, positioned) but whose records are not yet written.</summary>
internal sealed record StagedCommit(DatabaseRuntime Database, Commit Commit, DocumentOp?[] Ops, long Position, VersionRecord[] Versions, ChangedDocument[] Changed, HlcTimestamp AppliedAt);
