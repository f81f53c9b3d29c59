using Causeway.Documents;
using Causeway.Errors;

namespace Causeway.Models;

// Refreshing: the identity map holds an object as it was loaded; these read the document again into
// the same object, so other writers' changes show without a new session.
public sealed partial class DocumentSession
{
    /// <summary>Reads <paramref name="entity"/>'s document again and updates the same object in place:
    /// what it now holds becomes what the session loaded, so a save writes only changes made after
    /// this. Changes not saved yet (a property set, an increment, a set's add, a <see cref="Delete{T}"/>)
    /// are discarded. When the document was deleted meanwhile, the session stops tracking the object
    /// and this throws <see cref="NotFoundException"/>; an object the session does not track, or one
    /// stored but not saved yet, is an <see cref="InvalidInputException"/>.</summary>
    public async Task RefreshAsync<T>(T entity, CancellationToken cancellation = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_tracked.Find(entity) is not { } entry)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"This session does not track that {typeof(T).Name}; load it to read it.");
        if (!await ReloadAsync(entry, cancellation).ConfigureAwait(false))
            throw new NotFoundException($"{entry.Map.Type.Name} '{entry.Id}' no longer exists in '{entry.Map.Collection}': it was deleted, and this session no longer tracks it.");
    }

    /// <summary><see cref="LoadAsync{T}(string, CancellationToken)"/> that, with <paramref name="refresh"/>,
    /// reads the document again even when the session already holds it: the same instance, updated in
    /// place as by <see cref="RefreshAsync{T}"/> (its unsaved changes discarded); null when it was deleted.</summary>
    public async Task<T?> LoadAsync<T>(string id, bool refresh, CancellationToken cancellation = default) where T : class
    {
        var map = Model.Map(typeof(T));
        Names.DocumentId(id);
        if (!refresh || _tracked.Find(map.Collection, id) is not { } known) return await LoadAsync<T>(id, cancellation).ConfigureAwait(false);
        return await ReloadAsync(known, cancellation).ConfigureAwait(false) ? (T)known.Entity : null;
    }

    /// <summary>Loads the stored document into the tracked object, which takes it as what it was loaded from; false (and the
    /// object forgotten) when the document no longer exists.</summary>
    private async Task<bool> ReloadAsync(TrackedEntry entry, CancellationToken cancellation)
    {
        if (entry.State == TrackedState.New)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{entry.Map.Type.Name} '{entry.Id}' is stored in this session but not saved yet; there is nothing to read again.");
        var map = entry.Map;
        string id = entry.Id!;
        var document = await Database.GetAsync(map.Collection, id, cancellation: cancellation).ConfigureAwait(false);
        if (document is null)
        {
            _tracked.Remove(entry);
            return false;
        }
        var fields = Upcast(map, document.Fields, out var carried);
        map.Root.Load(entry.Entity, fields);
        entry.Reloaded(fields);
        entry.State = TrackedState.Loaded;
        entry.Carried = carried;
        return true;
    }
}
