using System.Diagnostics;
using Causeway.Models;

namespace Causeway.Bench;

/// <summary>The LINQ translation figure of the typed-mapping issue: how long a typical typed query takes
/// to become the query AST (expression trees built by the compiler's code, the shape looked up in the
/// cache, the captured values read, the predicate built), beside the 20 µs target.</summary>
internal static class TypedLinqBenchmarks
{
    [Collection("items")]
    public sealed class BenchItem
    {
        public string? Id { get; set; }
        public string Species { get; set; } = "";
        public double? Price { get; set; }
        public AwSet<string> Tags { get; set; } = new();
        public BenchOwner? Owner { get; set; }
    }

    public sealed class BenchOwner
    {
        public string? City { get; set; }
    }

    private static readonly DocumentModel Model = DocumentModel.Of(typeof(BenchItem));

    public static async Task RunAsync(bool smoke, Table table)
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("linq");
        var session = db.OpenSession(Model);
        int iterations = smoke ? 2_000 : 500_000;

        for (int i = 0; i < iterations / 10; i++) Translate(session, i);
        // The first translation of a shape builds its template (the code is warm by now); every later one reuses it.
        string species = "cat";
        var cold = Stopwatch.StartNew();
        var other = session.Query<BenchItem>().Where(x => x.Species == species || x.Owner!.City != null).OrderBy(x => x.Species).ToQuery();
        double coldMicros = cold.Elapsed.TotalMicroseconds;
        if (other.Filter is null) throw new InvalidOperationException("the translation produced nothing");
        var clock = Stopwatch.StartNew();
        long checksum = 0;
        for (int i = 0; i < iterations; i++) checksum += Translate(session, i);
        double mean = clock.Elapsed.TotalMicroseconds / iterations;
        if (checksum == 0) throw new InvalidOperationException("the translations produced nothing");
        table.Add("typed LINQ translation, µs per query (cached shape)", mean.ToString("N2"), "target < 20 µs", $"{20 / mean:N1}x");
        // Of which: the expression trees alone, as the compiler's code builds them at each call.
        clock.Restart();
        for (int i = 0; i < iterations; i++) checksum += Trees(i);
        double trees = clock.Elapsed.TotalMicroseconds / iterations;
        table.Add("  expression trees alone (the caller's code), µs", trees.ToString("N2"), "included above", "");
        clock.Restart();
        for (int i = 0; i < iterations; i++) checksum += Raw(i);
        double raw = clock.Elapsed.TotalMicroseconds / iterations;
        table.Add("  the same query built as the raw AST, µs", raw.ToString("N2"), "Query/Pred directly", "");
        table.Add("typed LINQ translation, µs, first of its shape", coldMicros.ToString("N1"), "once per shape", "");
    }

    private static int Trees(int i)
    {
        double min = i % 50, max = min + 25;
        string prefix = (i % 3) switch { 0 => "ca", 1 => "do", _ => "eel" };
        System.Linq.Expressions.Expression<Func<BenchItem, bool>> where = x => x.Price >= min && x.Price < max && x.Species.StartsWith(prefix) && (x.Tags.Contains("rare") || x.Owner!.City == "Oslo");
        System.Linq.Expressions.Expression<Func<BenchItem, double?>> order = x => x.Price;
        return where.Parameters.Count + order.Parameters.Count;
    }

    private static int Raw(int i)
    {
        double min = i % 50, max = min + 25;
        string prefix = (i % 3) switch { 0 => "ca", 1 => "do", _ => "eel" };
        var query = Causeway.Queries.Query.In("items")
            .Where(Causeway.Queries.Pred.Gte("price", Causeway.Values.Value.Double(min)) & Causeway.Queries.Pred.Lt("price", Causeway.Values.Value.Double(max))
                & Causeway.Queries.Pred.Prefix("species", prefix)
                & (Causeway.Queries.Pred.Contains("tags", Causeway.Values.Value.String("rare")) | Causeway.Queries.Pred.Eq("owner.city", Causeway.Values.Value.String("Oslo"))))
            .OrderBy("price", desc: true).Take(20);
        return query.Limit + query.Sort.Count;
    }

    /// <summary>A typical query: two comparisons with captured values, a prefix, set membership, a nested
    /// property, an order and a page size.</summary>
    private static int Translate(DocumentSession session, int i)
    {
        double min = i % 50, max = min + 25;
        string prefix = (i % 3) switch { 0 => "ca", 1 => "do", _ => "eel" };
        var query = session.Query<BenchItem>()
            .Where(x => x.Price >= min && x.Price < max && x.Species.StartsWith(prefix) && (x.Tags.Contains("rare") || x.Owner!.City == "Oslo"))
            .OrderByDescending(x => x.Price)
            .Take(20)
            .ToQuery();
        return query.Limit + query.Sort.Count;
    }
}
