namespace Causeway.Bench;

/// <summary>Rows of benchmark figures printed as an aligned text table.</summary>
internal sealed class Table(params string[] columns)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Print(TextWriter output)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        string Line(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |";
        output.WriteLine(Line(columns));
        output.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in _rows) output.WriteLine(Line(row));
    }

    /// <summary>The table every mode prints: each figure beside its peer or target.</summary>
    public static Table Figures() => new("benchmark", "Causeway", "peer / target", "ratio");

    /// <summary>Runs one group of benchmarks on its own (a mode of the bench) and prints its table.</summary>
    public static async Task<int> RunAloneAsync(Func<Table, Task> run)
    {
        var table = Figures();
        await PeakMemory.MeasureAsync("this benchmark", table, () => run(table));
        table.Print(Console.Out);
        return 0;
    }

    public static string Rate(double perSecond) => perSecond >= 100 ? perSecond.ToString("N0") : perSecond.ToString("N1");
}
