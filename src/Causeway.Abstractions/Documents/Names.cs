using Causeway.Errors;

namespace Causeway.Documents;

/// <summary>The naming rules of docs/api.md, Conventions. Each check throws an
/// <see cref="InvalidInputException"/> with code invalid_name that says what is wrong.</summary>
public static class Names
{
    public const int MaxDatabaseDepth = 8;
    public const int MaxSegmentLength = 64;
    public const int MaxDocumentIdLength = 256;

    /// <summary>Database names: segments of [a-z0-9_-]{1,64} joined by '.', at most 8 deep.</summary>
    public static string Database(string? name)
    {
        if (string.IsNullOrEmpty(name)) throw Invalid("A database name is required.");
        var segments = name.Split('.');
        if (segments.Length > MaxDatabaseDepth)
            throw Invalid($"Database name '{Clip(name)}' is {segments.Length} levels deep; at most {MaxDatabaseDepth} are allowed.");
        foreach (var segment in segments)
        {
            if (segment.Length is 0 or > MaxSegmentLength || !segment.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-'))
                throw Invalid($"Database name '{Clip(name)}' is invalid: each dot-separated part must be 1-{MaxSegmentLength} characters of a-z, 0-9, '_' or '-'.");
        }
        return name;
    }

    /// <summary>The parent of a hierarchical database name, or null for a top-level one.</summary>
    public static string? ParentDatabase(string name)
    {
        int dot = name.LastIndexOf('.');
        return dot < 0 ? null : name[..dot];
    }

    /// <summary>Collection names: [A-Za-z0-9_-]{1,64}.</summary>
    public static string Collection(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxSegmentLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw Invalid($"Collection name '{Clip(name)}' is invalid: use 1-{MaxSegmentLength} characters of A-Z, a-z, 0-9, '_' or '-'.");
        return name;
    }

    /// <summary>Document ids: 1-256 characters of [A-Za-z0-9_.:@-], except "." and "..", which no URL
    /// can name (HTTP stacks resolve them as path segments).</summary>
    public static string DocumentId(string? id)
    {
        if (id is "." or "..")
            throw Invalid($"Document id '{id}' is reserved: '.' and '..' cannot be addressed in a URL.");
        if (string.IsNullOrEmpty(id) || id.Length > MaxDocumentIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '@' or '-'))
            throw Invalid($"Document id '{Clip(id)}' is invalid: use 1-{MaxDocumentIdLength} characters of A-Z, a-z, 0-9, '_', '.', ':', '@' or '-'.");
        return id;
    }

    /// <summary>True when <paramref name="id"/> is a valid document id.</summary>
    public static bool IsDocumentId(string? id)
    {
        try { DocumentId(id); return true; }
        catch (InvalidInputException) { return false; }
    }

    private static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidName, message);

    /// <summary>Shortens a user-supplied string for an error message.</summary>
    public static string Clip(string? s) => s is null ? "" : s.Length <= 48 ? s : s[..48] + "…";
}
