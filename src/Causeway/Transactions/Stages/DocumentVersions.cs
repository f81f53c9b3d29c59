using Causeway.Encoding;
using Causeway.Schemas;
using Causeway.Storage;

namespace Causeway.Transactions.Stages;

/// <summary>Records the new version of each document a commit touched, under its position (MVCC),
/// and once durable puts it in the version cache, where warm reads find it (call records excepted).</summary>
internal sealed class DocumentVersions(VersionCache cache) : ICommitStage
{
    public void Write(StagedCommit staged, StoreBatch batch, DagCborWriter scratch)
    {
        uint db = staged.Database.Id;
        foreach (var version in staged.Versions)
        {
            var op = staged.Ops[version.OpIndex]!;
            batch.Put(StoreLayout.VersionKey(StoreLayout.VersionPrefix(db, op.Collection, op.Id), staged.Position), version.Encode(scratch));
        }
    }

    public void Publish(StagedCommit staged)
    {
        var db = staged.Database;
        foreach (var version in staged.Versions)
        {
            var op = staged.Ops[version.OpIndex]!;
            // A call record is written once and read again only for a retry of its idempotency key:
            // kept, every call would add one, crowding out the documents reads come back to and
            // holding them all in memory (and the garbage collector's work) until the cache trims.
            if (op.Collection == SystemCollections.Calls) cache.Remove(db.Id, op.Collection, op.Id);
            else cache.Put(db.Id, op.Collection, op.Id, version);
            if (op.Collection == SystemCollections.Schema && op.Id == SystemCollections.SchemaDocument) db.Schemas.Published(version);
        }
    }
}
