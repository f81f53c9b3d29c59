using Causeway.Values;

namespace Causeway;

/// <summary>A database that answers a read of a document's latest fields at once, without making a
/// <see cref="Document"/> and a task around it: the embedded engine. The typed layer reads through
/// it when it can, since it keeps only the fields of what it reads.</summary>
internal interface ILatestFields
{
    /// <summary>The fields of the document as <see cref="IDocumentDatabase.GetAsync"/> reads it at the
    /// latest state (null when absent or deleted), with the same checks and errors.</summary>
    Value? LatestFields(string collection, string id);
}
