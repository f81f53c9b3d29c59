using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models.Migrations;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>Opens sessions on any <see cref="IDocumentDatabase"/>: the embedded <c>Database</c> or the
/// remote client's <c>RemoteDatabase</c>.</summary>
public static class DocumentSessions
{
    /// <summary>A session over classes mapped by their attributes (<see cref="DocumentModel.Attributes"/>).</summary>
    public static DocumentSession OpenSession(this IDocumentDatabase database) => new(database, DocumentModel.Attributes);

    /// <summary>A session over the classes of <paramref name="model"/>.</summary>
    public static DocumentSession OpenSession(this IDocumentDatabase database, DocumentModel model) => new(database, model);
}

/// <summary>A unit of work over typed documents: loads them into an identity map (the same id gives the
/// same instance), tracks what changes, and saves every change as one commit of field operations —
/// <c>set</c> for a changed property, <c>increment</c> for a counter, <c>add</c>/<c>remove</c> for a set,
/// <c>enable</c>/<c>disable</c> for a flag — so concurrent edits of other fields, other increments and
/// other elements made elsewhere merge instead of being overwritten. Not thread-safe: one per unit of work.</summary>
public sealed partial class DocumentSession
{
    // Not readonly: a struct whose methods change it in place.
    private TrackedObjects _tracked;

    internal DocumentSession(IDocumentDatabase database, DocumentModel model)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(model);
        Database = database;
        Model = model;
    }

    public IDocumentDatabase Database { get; }
    public DocumentModel Model { get; }

    /// <summary>The document <paramref name="id"/> of <typeparamref name="T"/>'s collection, tracked; null
    /// when it does not exist. Loading an id again answers the same instance, as it is now in this session
    /// (<see cref="RefreshAsync{T}"/> reads it again).</summary>
    public Task<T?> LoadAsync<T>(string id, CancellationToken cancellation = default) where T : class => Load<T>(id, track: true, cancellation);

    /// <summary>The document as an object this session does not track (no identity map, no change
    /// tracking): for reads that will not be saved.</summary>
    public Task<T?> LoadNoTrackingAsync<T>(string id, CancellationToken cancellation = default) where T : class => Load<T>(id, track: false, cancellation);

    private Task<T?> Load<T>(string id, bool track, CancellationToken cancellation) where T : class
    {
        try
        {
            var map = Model.Map(typeof(T));
            // The database checks the id before it reads; no tracked object has an id it would refuse.
            if (track && _tracked.Find(map.Collection, id) is { } known) return Task.FromResult(known.State == TrackedState.Deleted ? null : (T?)known.Entity);
            if (Database is ILatestFields local)
            {
                cancellation.ThrowIfCancellationRequested();
                return Task.FromResult(Loaded<T>(map, id, local.LatestFields(map.Collection, id), track));
            }
            var read = Database.GetAsync(map.Collection, id, cancellation: cancellation);
            // A read whose answer is there already needs no state machine.
            return read.IsCompletedSuccessfully ? Task.FromResult(Loaded<T>(map, id, read.Result?.Fields, track)) : LoadingAsync<T>(map, id, read, track);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Task.FromCanceled<T?>(cancellation);
        }
        catch (Exception e)
        {
            return Task.FromException<T?>(e);
        }
    }

    private async Task<T?> LoadingAsync<T>(EntityMap map, string id, Task<Document?> read, bool track) where T : class
        => Loaded<T>(map, id, (await read.ConfigureAwait(false))?.Fields, track);

    private T? Loaded<T>(EntityMap map, string id, Value? fields, bool track) where T : class
        => fields is null ? null : (T?)(track ? Tracked(map, id, fields) : Untracked(map, id, fields));

    /// <summary>A typed query over <typeparamref name="T"/>'s collection (docs/typed-api.md, LINQ):
    /// <c>session.Query&lt;Item&gt;().Where(i =&gt; i.Price &lt; 20).OrderBy(i =&gt; i.Price).ToListAsync()</c>.
    /// Results are tracked by this session unless <see cref="TypedQuery{T}.AsNoTracking"/>.</summary>
    public TypedQuery<T> Query<T>() where T : class => new(this, Model.Map(typeof(T)));

    /// <summary>A document a query returned, as an object: with <paramref name="track"/>, the instance
    /// this session already holds for its id (as loaded then) or a new tracked one; null when the
    /// session deleted it.</summary>
    internal T? Materialize<T>(EntityMap map, Document document, bool track) where T : class
    {
        if (!track) return (T)Untracked(map, document.Id, document.Fields);
        return (T?)Tracked(map, document.Id, document.Fields);
    }

    /// <summary>Adds up to <paramref name="limit"/> of a query's page to <paramref name="list"/> as objects,
    /// as <see cref="Materialize{T}(EntityMap, Document, bool)"/> does one; answers how many it added.</summary>
    internal int Materialize<T>(EntityMap map, IReadOnlyList<Document> page, List<T> list, long limit, bool track) where T : class
    {
        // A session that tracks nothing yet holds none of them, and a page holds each id once: nothing to look up.
        bool fresh = track && _tracked.Count == 0;
        if (track) _tracked.Expect(page.Count);
        int added = 0;
        for (int i = 0; i < page.Count && added < limit; i++)
        {
            var document = page[i];
            var item = !track ? Untracked(map, document.Id, document.Fields)
                : fresh ? Track(map, document.Id, document.Fields)
                : Tracked(map, document.Id, document.Fields);
            if (item is null) continue;
            list.Add((T)item);
            added++;
        }
        return added;
    }

    /// <summary>The instance this session holds for <paramref name="id"/> (null when it deleted it), or
    /// <paramref name="fields"/> as a new tracked one.</summary>
    private object? Tracked(EntityMap map, string id, Value fields)
    {
        // A query may return what the session holds, and another load may have tracked the id while this one read.
        if (_tracked.Find(map.Collection, id) is { } known) return known.State == TrackedState.Deleted ? null : known.Entity;
        return Track(map, id, fields);
    }

    /// <summary><paramref name="fields"/> as a new tracked object, for an id the session does not hold.</summary>
    private object Track(EntityMap map, string id, Value fields)
    {
        var (entity, loaded, carried) = Materialize(map, id, fields);
        _tracked.Add(new TrackedEntry(map, entity, loaded) { Id = id, State = TrackedState.Loaded, Carried = carried });
        return entity;
    }

    /// <summary>Stores a new object: a put under its <c>Id</c> or, when the class has a generated id and
    /// <c>Id</c> is null, a create whose id is set on the object after <see cref="SaveChangesAsync"/>.
    /// An object the session already tracks needs no call: its changes are saved anyway.</summary>
    public void Store<T>(T entity) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_tracked.Find(entity) is { } tracked)
        {
            if (tracked.State == TrackedState.Deleted) throw new InvalidInputException(ErrorCodes.InvalidValue, $"{typeof(T).Name} '{tracked.Id}' was deleted in this session; store a new object to write it again.");
            return;
        }
        var map = Model.Map(entity.GetType());
        string? id = map.GetId(entity);
        if (id is null && map.Ids is null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{map.Type.Name} has no Id: set one, or give the class a generated id ([GeneratedId]).");
        if (id is not null)
        {
            Names.DocumentId(id);
            if (_tracked.Find(map.Collection, id) is not null)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"This session already tracks another {map.Type.Name} with id '{id}'; load it and change that one.");
        }
        _tracked.Add(new TrackedEntry(map, entity, loaded: null) { Id = id, State = TrackedState.New });
    }

    /// <summary>Deletes a tracked object (or forgets a new one) when the session saves.</summary>
    public void Delete<T>(T entity) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_tracked.Find(entity) is not { } entry)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"This session does not track that {typeof(T).Name}; load it first.");
        if (entry.State == TrackedState.New) _tracked.Remove(entry);
        else entry.State = TrackedState.Deleted;
    }

    /// <summary>The field operations a save would write for a tracked object, in order (empty when it is unchanged).</summary>
    public IReadOnlyList<FieldOp> ChangesOf<T>(T entity) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_tracked.Find(entity) is not { } entry)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"This session does not track that {typeof(T).Name}.");
        var ops = new List<FieldOp>();
        if (entry.State == TrackedState.Loaded) Changes(entry, ops);
        return ops;
    }

    /// <summary>Writes every new, changed and deleted object as one commit, all or nothing; answers null
    /// (and writes nothing) when nothing changed. After a refusal nothing is written and the session
    /// still holds the changes.</summary>
    public async Task<TransactionResult?> SaveChangesAsync(CancellationToken cancellation = default)
    {
        var writes = new List<Action<ITransactionBuilder>>();
        var created = new List<TrackedEntry>();
        var saved = new List<TrackedEntry>();
        for (int i = 0; i < _tracked.Count; i++)
        {
            var entry = _tracked[i];
            var map = entry.Map;
            switch (entry.State)
            {
                case TrackedState.New when entry.Id is { } id:
                {
                    var fields = new List<KeyValuePair<string, Value>>();
                    var ops = new List<FieldOp>();
                    foreach (var member in map.Root.Members) member.Initial(entry.Entity, fields, ops, plain: false);
                    var document = Value.Map(fields);
                    writes.Add(tx => tx.Put(map.Collection, id, document));
                    if (ops.Count > 0) writes.Add(tx => tx.Patch(map.Collection, id, ops));
                    saved.Add(entry);
                    break;
                }
                case TrackedState.New:
                {
                    // The database names it: written whole, and the model's schema (which the
                    // generated id needs anyway) makes counters, sets and flags of the plain values.
                    var fields = new List<KeyValuePair<string, Value>>();
                    foreach (var member in map.Root.Members) member.Initial(entry.Entity, fields, [], plain: true);
                    var document = Value.Map(fields);
                    writes.Add(tx => tx.Create(map.Collection, document));
                    created.Add(entry);
                    saved.Add(entry);
                    break;
                }
                case TrackedState.Deleted:
                    writes.Add(tx => tx.Delete(map.Collection, entry.Id!));
                    saved.Add(entry);
                    break;
                default:
                {
                    var ops = new List<FieldOp>();
                    Changes(entry, ops);
                    if (ops.Count == 0) break;
                    string id = entry.Id!;
                    writes.Add(tx => tx.Patch(map.Collection, id, ops));
                    saved.Add(entry);
                    break;
                }
            }
        }
        if (writes.Count == 0) return null;
        var result = await Database.TransactAsync(tx => { foreach (var write in writes) write(tx); }, cancellation).ConfigureAwait(false);
        for (int i = 0; i < created.Count && i < result.Created.Count; i++)
        {
            var entry = created[i];
            entry.Map.SetId(entry.Entity, result.Created[i]);
            entry.Id = result.Created[i];
            _tracked.Named(entry);
        }
        foreach (var entry in saved)
        {
            if (entry.State == TrackedState.Deleted)
            {
                _tracked.Remove(entry);
                continue;
            }
            foreach (var member in entry.Map.Root.Members) member.Accept(entry.Entity, entry.Snapshot);
            entry.State = TrackedState.Loaded;
            entry.Carried = null;
        }
        return result;
    }

    private static void Changes(TrackedEntry entry, List<FieldOp> ops)
    {
        foreach (var member in entry.Map.Root.Members) member.Changes(entry.Entity, entry.Snapshot, ops);
        // A write of an upcast document writes what the upcast showed as the new fields too, so the
        // document it leaves fits the new schema; an untouched document stays as stored.
        if (ops.Count > 0 && entry.Carried is { } carried) ops.InsertRange(0, CarriedWrites.Of(carried, entry.Map.Rules, ops));
    }

    /// <summary>An object no session tracks: what it loaded is not recorded.</summary>
    private object Untracked(EntityMap map, string id, Value fields) => Materialize(map, id, fields).Entity;

    /// <summary>The object <paramref name="fields"/> loads as, the fields it was loaded from and what
    /// an upcast carried.</summary>
    private (object Entity, Value Loaded, List<CarriedField>? Carried) Materialize(EntityMap map, string id, Value fields)
    {
        fields = Upcast(map, fields, out var carried);
        var entity = map.Root.Make(fields, id);
        map.SetId(entity, id);
        map.Root.Load(entity, fields);
        return (entity, fields, carried);
    }

    /// <summary>Documents written at an older version read in the current shape (docs/typed-api.md,
    /// Migrations); <paramref name="carried"/> is what the upcast showed that the document does not hold.</summary>
    private Value Upcast(EntityMap map, Value fields, out List<CarriedField>? carried)
    {
        carried = null;
        if (!Model.Migrations.Upcasts(map.Collection)) return fields;
        var shown = new List<CarriedField>();
        fields = Model.Migrations.Upcast(map.Collection, fields, map.Rules, shown);
        if (shown.Count > 0) carried = shown;
        return fields;
    }
}
