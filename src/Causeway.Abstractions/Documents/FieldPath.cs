using Causeway.Errors;

namespace Causeway.Documents;

/// <summary>A dot-separated path to a field inside a document ("address.city").
/// A field name is 1-256 characters, has no '.', and does not start with '$' (reserved for
/// typed values) or '_' at the top level (reserved for _id, _collection and _meta).</summary>
public sealed class FieldPath : IEquatable<FieldPath>
{
    public const int MaxDepth = 32;
    public const int MaxNameLength = 256;

    private FieldPath(string text, string[] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }
    public IReadOnlyList<string> Segments { get; }

    public static FieldPath Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw Invalid("A field path is required.");
        var segments = text.Split('.');
        if (segments.Length > MaxDepth) throw Invalid($"Path '{Names.Clip(text)}' is {segments.Length} levels deep; at most {MaxDepth} are allowed.");
        for (int i = 0; i < segments.Length; i++) CheckName(segments[i], topLevel: i == 0, text);
        return new FieldPath(text, segments);
    }

    public static FieldPath Of(IReadOnlyList<string> segments) => Parse(string.Join('.', segments));

    /// <summary>Checks one field name as it appears in a JSON document.</summary>
    public static void CheckName(string name, bool topLevel, string? inPath = null)
    {
        string where = inPath is null ? $"Field name '{Names.Clip(name)}'" : $"Path '{Names.Clip(inPath)}'";
        if (name.Length == 0) throw Invalid($"{where} has an empty field name.");
        if (name.Length > MaxNameLength) throw Invalid($"{where} has a field name longer than {MaxNameLength} characters.");
        if (name.Contains('.')) throw Invalid($"{where}: field names cannot contain '.', which separates path segments.");
        if (name[0] == '$') throw Invalid($"{where}: field names starting with '$' are reserved.");
        if (topLevel && name[0] == '_') throw Invalid($"{where}: top-level field names starting with '_' are reserved.");
        foreach (char c in name)
            if (char.IsControl(c)) throw Invalid($"{where} contains a control character.");
    }

    public bool Equals(FieldPath? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => Equals(obj as FieldPath);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Text;

    private static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidPath, message);
}
