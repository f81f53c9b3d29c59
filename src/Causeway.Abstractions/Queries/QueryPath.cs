using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Queries;

/// <summary>What a predicate or a sort key reads from a document: a field path into the visible
/// fields ("address.city", through nested maps) or the pseudo-path <c>_id</c>, the document's id.</summary>
public sealed class QueryPath : IEquatable<QueryPath>
{
    public const string IdText = "_id";

    /// <summary>The document's id, as a string value.</summary>
    public static readonly QueryPath Id = new(IdText, []);

    private readonly string[] _segments;

    private QueryPath(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>True for <c>_id</c>.</summary>
    public bool IsId => _segments.Length == 0;

    /// <summary>"_id", or a field path (<see cref="FieldPath.Parse"/>: invalid_path when malformed).</summary>
    public static QueryPath Parse(string? text)
    {
        if (text == IdText) return Id;
        var path = FieldPath.Parse(text);
        return new QueryPath(path.Text, [.. path.Segments]);
    }

    /// <summary>The value at this path, or null when the document has no such field.</summary>
    internal Value? Read(Document document)
    {
        if (IsId) return Value.String(document.Id);
        Value? value = document.Fields;
        foreach (var segment in _segments)
        {
            value = value.Get(segment);
            if (value is null) return null;
        }
        return value;
    }

    public bool Equals(QueryPath? other) => other is not null && other.Text == Text;
    public override bool Equals(object? obj) => Equals(obj as QueryPath);
    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Text;
}
