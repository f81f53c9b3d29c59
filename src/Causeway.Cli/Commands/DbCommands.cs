using System.CommandLine;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway db create|list|drop|info</c>.</summary>
internal static class DbCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Create, list, drop and describe databases.");
        db.Subcommands.Add(Make("create", "Create a database (a dotted name needs its parent).", async (target, output, name, ct) =>
        {
            await target.CreateDatabaseAsync(name!, ct);
            await Describe(target, output, name!, ct);
        }));
        db.Subcommands.Add(Make("drop", "Drop a database and every database below it.", async (target, output, name, ct) =>
        {
            await target.DropDatabaseAsync(name!, ct);
            if (output.Json) output.WriteJson(w => DatabaseDroppedJson.Write(w, name!));
            else output.Line($"dropped {name}");
        }));
        db.Subcommands.Add(Make("info", "Documents, commits, position, heads and clock of a database.", (target, output, name, ct) => Describe(target, output, name!, ct)));
        db.Subcommands.Add(Make("list", "The databases.", async (target, output, _, ct) =>
        {
            var names = await target.ListDatabasesAsync(ct);
            if (output.Json) output.WriteJson(w => { w.WriteStartArray(); foreach (var n in names) w.WriteStringValue(n); w.WriteEndArray(); });
            else foreach (var n in names) output.Line(n);
        }, withName: false));
        return db;
    }

    private static async Task Describe(Target target, Output output, string name, CancellationToken ct)
    {
        var info = await (await target.DatabaseAsync(name, ct)).InfoAsync(ct);
        if (output.Json) output.WriteJson(w => DatabaseInfoJson.Write(w, info));
        else output.Table(["name", "documents", "commits", "position", "heads"], [[info.Name, info.Documents.ToString(), info.Commits.ToString(), info.Position.ToString(), string.Join(" ", info.Heads)]]);
    }

    private static Command Make(string name, string description, Func<Target, Output, string?, CancellationToken, Task> run, bool withName = true)
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database") { Description = "The database name (acme.shop)." };
        var command = new Command(name, description);
        if (withName) command.Arguments.Add(database);
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            await run(target, Output.For(result, options), withName ? result.GetValue(database) : null, ct);
            return 0;
        });
        return command;
    }
}
