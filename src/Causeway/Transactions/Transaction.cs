using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Transactions;

/// <summary>A transaction: reads see the snapshot it started at plus its own writes; its writes are
/// buffered and become one commit, visible all at once. Each write is checked at once against that
/// view (a patch of a missing document, a type mismatch), so a mistake surfaces where it is made;
/// the commit pipeline checks again against the latest state.</summary>
public sealed class Transaction
{
    private readonly StoredDatabase _database;
    private readonly IIdSource _ids;
    private readonly Dictionary<(string, string), Pending> _pending = [];
    private readonly List<(string Collection, string Id)> _order = [];
    private bool _closed;

    internal Transaction(StoredDatabase database, IIdSource ids, long snapshot)
    {
        _database = database;
        _ids = ids;
        Snapshot = snapshot;
    }

    /// <summary>The position this transaction reads at.</summary>
    public long Snapshot { get; }

    public Task<Document?> GetAsync(string collection, string id)
    {
        Names.Collection(collection);
        Names.DocumentId(id);
        if (_pending.TryGetValue((collection, id), out var pending))
            return Task.FromResult(pending.State.Exists ? _database.ToDocument(collection, id, pending.State.ToValue(), pending.Base) : null);
        return Task.FromResult(_database.ReadDocument(collection, id, Snapshot));
    }

    public void Put(string collection, string id, Value document) => Add(collection, id, new DocumentIntent.Put(StoredDatabase.CheckDocument(document)));

    public void Put<T>(string collection, string id, T document) => Put(collection, id, ValueJson.From(document));

    /// <summary>Creates a document with an id made as its collection's schema says (UUIDv7 by default) and returns the id.</summary>
    /// <remarks>For a <c>sequence</c> collection this may wait for a block from the home replica; prefer
    /// <see cref="CreateAsync"/> there.</remarks>
    public string Create(string collection, Value document) => CreateAsync(collection, document).AsTask().GetAwaiter().GetResult();

    /// <summary>Creates a document with an id made as its collection's schema says and returns the id.</summary>
    public async ValueTask<string> CreateAsync(string collection, Value document, CancellationToken cancellation = default)
    {
        Schemas.SystemCollections.CheckWritable(Names.Collection(collection));
        var checkedDocument = StoredDatabase.CheckDocument(document);
        string id = await _ids.NewIdAsync(collection, cancellation).ConfigureAwait(false);
        Add(collection, id, new DocumentIntent.Create(checkedDocument));
        return id;
    }

    public void Patch(string collection, string id, params IEnumerable<FieldOp> ops)
    {
        var list = ops.ToArray();
        if (list.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A patch needs at least one field operation.");
        Add(collection, id, new DocumentIntent.Patch(list));
    }

    public void Delete(string collection, string id) => Add(collection, id, new DocumentIntent.Delete());

    internal IReadOnlyList<DocumentWrites> Close()
    {
        _closed = true;
        return [.. _order.Select(k => new DocumentWrites(k.Collection, k.Id, _pending[k].Intents))];
    }

    /// <summary>Whether the transaction has written nothing so far.</summary>
    internal bool IsEmpty => _order.Count == 0;

    private void Add(string collection, string id, DocumentIntent intent)
    {
        if (_closed) throw new InvalidOperationException("This transaction has already been committed or abandoned.");
        Schemas.SystemCollections.CheckWritable(Names.Collection(collection));
        Names.DocumentId(id);
        var key = (collection, id);
        if (!_pending.TryGetValue(key, out var pending))
        {
            var version = _database.ReadVersion(collection, id, Snapshot);
            pending = new Pending(version?.State ?? new DocumentState(), version);
        }
        // Try the intent on a copy of this transaction's view; keep it only if it applies.
        var trial = pending.State.Clone();
        var preview = new EffectContext(_database.ReplicaDid, long.MaxValue, Clocks.HlcTimestamp.MaxValue);
        // Stamps continue after the document's earlier intents, as in the commit's one editor per document.
        var editor = new DocumentEditor(trial, preview, pending.Effects, _database.SchemaAt(Snapshot).Schema.For(collection));
        editor.Apply(intent, collection, id);
        if (!_pending.ContainsKey(key)) { _pending[key] = pending; _order.Add(key); }
        pending.State = trial;
        pending.Effects += editor.Effects.Count;
        pending.Intents.Add(intent);
    }

    private sealed class Pending(DocumentState state, VersionRecord? @base)
    {
        public DocumentState State { get; set; } = state;
        public VersionRecord? Base { get; } = @base;
        public List<DocumentIntent> Intents { get; } = [];
        public int Effects { get; set; }
    }
}
