using System.Text.Json;
using Spectre.Console;

namespace Causeway.Cli;

/// <summary>How results are printed: JSON when the output is piped (or --json), tables and
/// readable lines on a terminal. User data is always written as plain text, never as markup.</summary>
internal sealed class Output(bool json)
{
    public bool Json { get; } = json || Console.IsOutputRedirected;

    /// <summary>Whether values print in the typed forms (<c>$decimal</c>, <c>$time</c>, <c>$bytes</c>, doubles with a
    /// fraction) that read back as themselves, as the server answers by default; false with <c>--plain</c>.</summary>
    public bool TypedValues { get; init; } = true;

    public static Output For(System.CommandLine.ParseResult result, TargetOptions options, bool plain = false) => new(result.GetValue(options.Json)) { TypedValues = !plain };

    /// <summary>Writes one JSON value on its own line.</summary>
    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = !Console.IsOutputRedirected, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        stdout.Write("\n"u8);
    }

    /// <summary>Writes one JSON value on one line, on a terminal too (a stream of events).</summary>
    public static void WriteJsonLine(Action<Utf8JsonWriter> write)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    public void Line(string text)
    {
        if (Json) return;
        AnsiConsole.Write(new Text(text + "\n"));
    }

    public void Table(string[] columns, IEnumerable<string[]> rows)
    {
        var table = new Table();
        foreach (var column in columns) table.AddColumn(new TableColumn(new Text(column)));
        foreach (var row in rows) table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        AnsiConsole.Write(table);
    }
}
