using Causeway.Documents;
using Causeway.Ledger;
using Causeway.Schemas;

namespace Causeway.Transactions;

/// <summary>The documents one local commit changes, while it is being staged: one editor per
/// document (so stamps never repeat within the commit), in the order they were first written, over
/// the latest state. Invariants add writes to it (a parent touched, a child cascaded) before the
/// commit is encoded.</summary>
internal sealed class StagedDocuments(Func<string, string, VersionRecord?> latest, EffectContext context, Schema schema)
{
    private readonly Dictionary<(string, string), Entry> _byKey = [];

    public List<Entry> Entries { get; } = [];
    public Schema Schema { get; } = schema;

    /// <summary>Applies <paramref name="intents"/> to the document, after checking <paramref name="condition"/>
    /// against its latest version (before this commit): a failed condition throws
    /// <see cref="Errors.PreconditionFailedException"/> and the commit is refused.</summary>
    public Entry Edit(string collection, string id, IEnumerable<DocumentIntent> intents, WriteCondition? condition = null)
    {
        if (!_byKey.TryGetValue((collection, id), out var entry))
        {
            var previous = latest(collection, id);
            var state = previous?.State.Clone() ?? new DocumentState();
            entry = new Entry(collection, id, previous, state, state.Exists, new DocumentEditor(state, context, 0, Schema.For(collection)));
            _byKey[(collection, id)] = entry;
            Entries.Add(entry);
        }
        // The version a read shows (_meta.commit): the document's causally latest change, while it exists.
        condition?.Require($"{collection}/{id}", entry.Existed ? entry.Previous!.Latest.Commit : null);
        foreach (var intent in intents)
        {
            entry.Editor.Apply(intent, collection, id);
            entry.Intents.Add(intent);
        }
        return entry;
    }

    public Entry? Find(string collection, string id) => _byKey.GetValueOrDefault((collection, id));

    /// <summary>The document as this commit leaves it: staged if it writes it, else the latest version.</summary>
    public DocumentState? StateOf(string collection, string id)
        => _byKey.TryGetValue((collection, id), out var entry) ? entry.State : latest(collection, id)?.State;

    internal sealed record Entry(string Collection, string Id, VersionRecord? Previous, DocumentState State, bool Existed, DocumentEditor Editor)
    {
        /// <summary>What was asked of the document in this commit, in order.</summary>
        public List<DocumentIntent> Intents { get; } = [];
    }
}
