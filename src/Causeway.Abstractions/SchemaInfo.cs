using Causeway.Schemas;

namespace Causeway;

/// <summary>A schema version with its analysis and the stored documents that break it.</summary>
public sealed record SchemaInfo(SchemaVersion Version, SchemaAnalysis Analysis, IReadOnlyList<SchemaViolation> Violations)
{
    public Schema Schema => Version.Schema;
}
