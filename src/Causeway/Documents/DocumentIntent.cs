using Causeway.Values;

namespace Causeway.Documents;

/// <summary>What a transaction asks of one document, before it is turned into CRDT effects
/// against the state the commit is made on.</summary>
public abstract record DocumentIntent
{
    private DocumentIntent() { }

    /// <summary>Create or replace the document with these fields.</summary>
    public sealed record Put(Value Document) : DocumentIntent;

    /// <summary>Create a document under an id the database generated: never replaces one.</summary>
    public sealed record Create(Value Document) : DocumentIntent;

    /// <summary>Apply field operations to an existing document.</summary>
    public sealed record Patch(IReadOnlyList<FieldOp> Ops) : DocumentIntent;

    /// <summary>Delete the document (its fields stay, hidden, for a concurrent update to restore).</summary>
    public sealed record Delete : DocumentIntent;

    /// <summary>Keep an existing document alive against a concurrent delete without changing its
    /// fields (an add-wins reference to it was written).</summary>
    public sealed record Touch : DocumentIntent;

    /// <summary>Unset fields whether or not the document exists (a deleted document's unique values,
    /// when another document takes them over), without bringing it back.</summary>
    public sealed record Clear(IReadOnlyList<string> Paths) : DocumentIntent;

    /// <summary>A reservation changes hands: its holder becomes <paramref name="To"/>, who asked for it to
    /// write <paramref name="ForDocument"/>. Checked by the pipeline: only the holder hands it over.</summary>
    public sealed record HandOver(string To, string ForDocument) : DocumentIntent;

    /// <summary>The home replica hands <paramref name="To"/>, in advance, the unique values whose hash
    /// starts with one of <paramref name="Shards"/> (hex digits): it becomes their default holder.</summary>
    public sealed record HandOutRange(string To, IReadOnlyList<char> Shards) : DocumentIntent;

    /// <summary>The home replica hands <paramref name="To"/> the next <paramref name="Size"/> numbers of a sequence.</summary>
    public sealed record AllocateBlock(string To, long Size) : DocumentIntent;

    /// <summary>Hand <paramref name="Amount"/> of this replica's rights over a bounded counter to
    /// another replica (a grant, or proactive rebalancing).</summary>
    public sealed record TransferRights(string Path, string To, Crdt.BoundSide Side, long Amount) : DocumentIntent;
}
