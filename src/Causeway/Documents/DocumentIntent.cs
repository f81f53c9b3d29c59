using Causeway.Values;

namespace Causeway.Documents;

/// <summary>What a transaction asks of one document, before it is turned into CRDT effects
/// against the state the commit is made on.</summary>
public abstract record DocumentIntent
{
    private DocumentIntent() { }

    /// <summary>Create or replace the document with these fields.</summary>
    public sealed record Put(Value Document) : DocumentIntent;

    /// <summary>Apply field operations to an existing document.</summary>
    public sealed record Patch(IReadOnlyList<FieldOp> Ops) : DocumentIntent;

    /// <summary>Delete the document (its fields stay, hidden, for a concurrent update to restore).</summary>
    public sealed record Delete : DocumentIntent;
}
