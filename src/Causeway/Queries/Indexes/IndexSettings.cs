namespace Causeway.Queries.Indexes;

/// <summary>How a database's queries may use the path index, kept with its runtime: whether the
/// replica keeps the index at all, and how long one query may run.</summary>
internal sealed class IndexSettings
{
    public bool Enabled { get; set; } = true;

    public TimeSpan QueryBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The replica's clock, which the budget is measured on.</summary>
    public TimeProvider? Time { get; set; }
}
