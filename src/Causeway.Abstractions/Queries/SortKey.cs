namespace Causeway.Queries;

/// <summary>One entry of a query's order: a path, ascending unless <paramref name="Descending"/>.</summary>
public sealed record SortKey(QueryPath Path, bool Descending = false)
{
    public override string ToString() => Descending ? $"{Path} desc" : Path.Text;
}
