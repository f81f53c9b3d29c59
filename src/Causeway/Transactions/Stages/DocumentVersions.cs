using Causeway.Encoding;
using Causeway.Schemas;
using Causeway.Storage;

namespace Causeway.Transactions.Stages;

/// <summary>Records the new version of each document a commit touched, under its position (MVCC),
/// and once durable puts it in the version cache, where warm reads find it (documents the commit
/// creates, and call records, excepted).</summary>
internal sealed class DocumentVersions(VersionCache cache) : ICommitStage
{
    public void Write(StagedCommit staged, StoreBatch batch, DagCborWriter scratch)
    {
        uint db = staged.Database.Id;
        for (int i = 0; i < staged.Versions.Length; i++)
        {
            var op = staged.Ops[staged.Versions[i].OpIndex]!;
            batch.Put(StoreLayout.VersionKey(StoreLayout.VersionPrefix(db, op.Collection, op.Id), staged.Position), staged.EncodedVersion(i, scratch));
        }
    }

    public void Publish(StagedCommit staged)
    {
        var db = staged.Database;
        for (int i = 0; i < staged.Versions.Length; i++)
        {
            var version = staged.Versions[i];
            var op = staged.Ops[version.OpIndex]!;
            // A document this commit creates is cached once something reads it, not now: a load or an
            // initial sync creates many documents that nothing reads soon, and caching each held it in
            // memory, where every collection copied it, until the cache trimmed. A call record is
            // written once and read again only for a retry of its idempotency key: kept, every call
            // would add one. A document written before stays cached: it is written again and read.
            if (op.Collection == SystemCollections.Calls) cache.Remove(db.Id, op.Collection, op.Id);
            else if (staged.Previous[i] is not null) cache.Put(db.Id, op.Collection, op.Id, version);
            if (op.Collection == SystemCollections.Schema && op.Id == SystemCollections.SchemaDocument) db.Schemas.Published(version);
        }
    }
}
