namespace Causeway.Schemas;

/// <summary>How a collection's document ids are made when a document is created without one.</summary>
public enum IdGeneration
{
    /// <summary>The caller names the document (create with no id makes a UUIDv7).</summary>
    Client,
    /// <summary>UUIDv7 with the replica's tag in it: unique without coordination.</summary>
    Uuid,
    /// <summary>Dense integers from blocks each replica reserves from the home replica.</summary>
    Sequence,
    /// <summary>Hybrid-clock time, replica tag and index: unique and causally ordered.</summary>
    Ordered,
}
