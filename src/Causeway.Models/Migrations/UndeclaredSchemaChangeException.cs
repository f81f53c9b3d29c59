using Causeway.Errors;

namespace Causeway.Models.Migrations;

/// <summary>Applying a schema would remove or retype a field, or tighten a constraint, and no pending
/// migration declares it. Nothing was written. <see cref="Change"/> names the collection and field.</summary>
public sealed class UndeclaredSchemaChangeException(SchemaChange change, long version)
    : InvalidInputException(ErrorCodes.InvalidValue, Describe(change, version))
{
    public SchemaChange Change { get; } = change;
    public string Collection => Change.Collection;
    public string? Field => Change.Field;

    private static string Describe(SchemaChange change, long version)
    {
        string what = change.Field is { } field ? $"'{change.Collection}.{field}'" : $"collection '{change.Collection}'";
        string declare = change.Kind switch
        {
            SchemaChangeKind.FieldRemoved => $"DropField or RenameField(\"{change.Collection}\", \"{change.Field}\", …)",
            SchemaChangeKind.FieldRetyped => $"RetypeField(\"{change.Collection}\", \"{change.Field}\", …)",
            SchemaChangeKind.CollectionRemoved => $"DropCollection(\"{change.Collection}\")",
            SchemaChangeKind.FieldAdded => $"AddField(\"{change.Collection}\", \"{change.Field}\", …)",
            _ => $"TightenConstraint(\"{change.Collection}\", \"{change.Field}\")",
        };
        return $"The new schema changes {what} ({change.Detail}), which a migration after version {version} must declare: {declare}. Nothing was written.";
    }
}
