using System.CommandLine;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;
using Spectre.Console;

namespace Causeway.Cli;

/// <summary><c>causeway demo</c>: a guided tour of the engine on a fresh replica in a temp folder:
/// writes, a transaction, a refused transaction that leaves no trace, reads of the past, a
/// document's history and verification of the signed ledger.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the replica's folder afterwards (it is deleted by default)." };
        var command = new Command("demo", "Open a replica in a temp folder, write, transact, read the past and verify, saying what happens.") { keep };
        command.SetAction((result, cancellation) => RunAsync(result.GetValue(keep), cancellation));
        command.Subcommands.Add(Demos.ExchangeCommand.Create());
        return command;
    }

    private static async Task<int> RunAsync(bool keep, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "causeway-demo-" + Guid.NewGuid().ToString("n")[..8]);
        try
        {
            await using var replica = await Replica.OpenAsync(folder);
            Say("Opened a replica in ", folder, " (RocksDB on disk).");
            Say("Its identity is ", replica.Did, "; every commit it makes is signed with that key.");

            await replica.CreateDatabaseAsync("demo");
            var shop = await replica.CreateDatabaseAsync("demo.shop");
            Say("Created databases [blue]demo[/] and its child [blue]demo.shop[/].");

            var lamp = await shop.PutJsonAsync("products", "lamp", """{"name": "Desk lamp", "price": 39.5, "stock": 10}""");
            Say($"put products/lamp → commit {Short(lamp.Commit)} at position {lamp.Position}");
            var patch = await shop.PatchAsync("products", "lamp", FieldOp.Set("price", Value.Double(34.0)), FieldOp.Add("tags", Value.String("sale")), FieldOp.Increment("sold", 0));
            Say($"patch products/lamp: set price, add a tag → position {patch.Position}");

            var order = await shop.TransactAsync(async tx =>
            {
                var product = await tx.GetAsync("products", "lamp");
                long stock = product!["stock"]!.AsInt();
                tx.Patch("products", "lamp", FieldOp.Set("stock", Value.Int(stock - 2)), FieldOp.Increment("sold", 2));
                tx.Put("orders", "o-1", Value.Map([new("product", Value.String("lamp")), new("qty", Value.Int(2))]));
            });
            Say($"transaction: order o-1 and the stock change become [green]one[/] commit {Short(order.Commit)} at position {order.Position}");

            try
            {
                await shop.TransactAsync(tx =>
                {
                    tx.Put("orders", "o-2", Value.Map([new("product", Value.String("lamp"))]));
                    tx.Patch("products", "ghost", FieldOp.Increment("sold", 1));
                    return Task.CompletedTask;
                });
            }
            catch (NotFoundException e)
            {
                bool leftTrace = await shop.GetAsync("orders", "o-2") is not null;
                Say($"a transaction touching a missing product was refused ([yellow]{e.Code}[/]); order o-2 exists: {leftTrace}; position still {shop.Position}");
            }

            var now = await shop.GetAsync("products", "lamp");
            var then = await shop.GetAsync("products", "lamp", ReadPoint.AtPosition(lamp.Position));
            var table = new Table().AddColumn("read").AddColumn("products/lamp");
            table.AddRow(new Text("now"), new Text(now!.ToJson()));
            table.AddRow(new Text($"at position {lamp.Position}"), new Text(then!.ToJson()));
            AnsiConsole.Write(table);

            var history = new Table().AddColumn("position").AddColumn("commit").AddColumn("time").AddColumn("changes");
            foreach (var version in await shop.HistoryAsync("products", "lamp"))
                history.AddRow(new Text(version.Position.ToString()), new Text(Short(version.Commit)), new Text(version.Time.ToString("HH:mm:ss.fff")),
                    new Text(string.Join(", ", version.Changes.Select(c => c.Path is null ? c.Op : $"{c.Op} {c.Path}{(c.Value is null ? "" : "=" + c.Value)}"))));
            Say("History of products/lamp:");
            AnsiConsole.Write(history);

            var report = await shop.VerifyAsync(cancellation: cancellation);
            Say(report.Ok
                ? $"verify: [green]ok[/], {report.Commits} commits; every hash, signature, sequence number and parent checked"
                : $"verify: [red]{report.Problems.Count} problems[/]");
            foreach (var problem in report.Problems) AnsiConsole.Write(new Text(problem + "\n"));
            var info = await shop.InfoAsync();
            Say($"demo.shop holds {info.Documents} documents in {info.Commits} commits; head {Short(info.Heads[0])}");
            return report.Ok ? 0 : 1;
        }
        finally
        {
            if (keep) Say("Kept ", folder, ".");
            else try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static void Say(string markup) => AnsiConsole.MarkupLine(markup);

    /// <summary>Markup around a plain value: user data and DIDs ("did:key:…" would otherwise turn into an emoji) are never parsed as markup.</summary>
    private static void Say(string before, string plain, string after)
    {
        AnsiConsole.Markup(before);
        AnsiConsole.Write(new Text(plain, new Style(Color.Green)));
        AnsiConsole.MarkupLine(after);
    }

    private static string Short(Encoding.Cid cid) => cid.ToString()[..16] + "…";
}
