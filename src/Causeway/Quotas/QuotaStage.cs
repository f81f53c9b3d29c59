using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Storage;
using Causeway.Transactions;

namespace Causeway.Quotas;

/// <summary>The quotas' stage of the commit pipeline. <see cref="Check"/> refuses a local commit that
/// would take the database past its quota of documents or bytes (the whole commit, before it is
/// sealed, so nothing is written); every commit, local or made elsewhere, is counted when it is
/// <see cref="Staged"/>, and the count after it is written in the commit's own batch, so the count
/// is durable exactly when the commit is. Commits made elsewhere are never refused.</summary>
/// <remarks>What counts: the live documents of the database's own collections (not those starting with
/// <c>_</c>), and for each the size of its fields as DAG-CBOR (<see cref="SizeOf(DocumentState)"/>),
/// the measure of the document size limit. A version's size is measured once and kept on it.</remarks>
internal sealed class QuotaStage : ICommitStage
{
    // Used on the staging side only (Check and Staged run one commit at a time).
    private readonly Dictionary<DocumentState, long> _checked = new(ReferenceEqualityComparer.Instance);

    public void Check(LocalCommit commit)
    {
        _checked.Clear();
        var book = QuotaBook.Of(commit.Database);
        var limits = book.Limits;
        if (limits.Documents is null && limits.Bytes is null) return;
        long documents = 0, bytes = 0;
        foreach (var entry in commit.Documents.Entries)
        {
            if (SystemCollections.IsSystem(entry.Collection)) continue;
            long size = SizeOf(entry.State);
            _checked[entry.State] = size;
            documents += (entry.State.Exists ? 1 : 0) - (entry.Existed ? 1 : 0);
            bytes += size - (entry.Previous is { } previous ? SizeOf(previous) : 0);
        }
        var before = book.Before(commit.Position);
        string name = commit.Database.Name;
        // What only shrinks or keeps a count passes, even over a limit lowered below it: room can always be made.
        if (limits.Documents is { } maxDocuments && documents > 0 && before.Documents + documents > maxDocuments)
            throw new QuotaExceededException($"Database '{name}' is limited to {maxDocuments} documents; this write would have made it {before.Documents + documents}.");
        if (limits.Bytes is { } maxBytes && bytes > 0 && before.Bytes + bytes > maxBytes)
            throw new QuotaExceededException($"Database '{name}' is limited to {maxBytes} bytes of documents; this write would have made it {before.Bytes + bytes}.");
    }

    public void Staged(StagedCommit commit)
    {
        long documents = 0, bytes = 0;
        for (int i = 0; i < commit.Versions.Length; i++)
        {
            var version = commit.Versions[i];
            var op = commit.Ops[version.OpIndex]!;
            if (SystemCollections.IsSystem(op.Collection)) continue;
            if (_checked.TryGetValue(version.State, out long size)) version.FieldBytes = size;
            var previous = commit.Previous[i];
            documents += (version.State.Exists ? 1 : 0) - (previous?.State.Exists == true ? 1 : 0);
            bytes += SizeOf(version) - (previous is null ? 0 : SizeOf(previous));
        }
        _checked.Clear();
        QuotaBook.Of(commit.Database).Stage(commit.Position, documents, bytes);
    }

    public void Write(StagedCommit commit, StoreBatch batch, DagCborWriter scratch)
    {
        if (QuotaBook.Of(commit.Database).StagedAt(commit.Position) is { } count)
            batch.Put(StoreLayout.LocalKey(commit.Database.Id, QuotaRecords.Usage), QuotaRecords.Encode(count, scratch));
    }

    public void Publish(StagedCommit commit) => QuotaBook.Of(commit.Database).Published(commit.Position);

    /// <summary>The bytes a stored version counts for, measured once and kept on it.</summary>
    public static long SizeOf(VersionRecord version)
    {
        // The version's own value: made once, and kept for whoever reads the version next.
        if (version.FieldBytes < 0) version.FieldBytes = version.State.Exists ? ValueCbor.Length(version.Value) : 0;
        return version.FieldBytes;
    }

    /// <summary>The bytes a document counts for: its fields as DAG-CBOR, 0 when it is deleted.</summary>
    private static long SizeOf(DocumentState state) => state.Exists ? ValueCbor.Length(state.ToValue()) : 0;
}
