using System.CommandLine;
using System.Globalization;
using Causeway.Errors;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway db create|list|drop|info</c>, <c>causeway db quota show|set</c>.</summary>
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
        db.Subcommands.Add(Quota());
        return db;
    }

    /// <summary><c>db quota show DB</c> and <c>db quota set DB [--documents N] [--bytes N] [--writes-per-second N] [--sync-sessions N]</c>:
    /// each option given replaces that limit (<c>none</c> removes it); the others stay as they are.</summary>
    private static Command Quota()
    {
        var quota = new Command("quota", "A database's quotas on this replica (documents, bytes, writes per second, sync sessions) and its usage.");
        quota.Subcommands.Add(Make("show", "The database's quotas and its usage against them.", async (target, output, name, ct) =>
            Print(output, await target.QuotasAsync(name!, ct))));

        Option<string?> Limit(string name, string what) => new(name) { Description = $"The most {what} (an integer, or 'none' for no limit).", HelpName = "N" };
        var documents = Limit("--documents", "live documents");
        var bytes = Limit("--bytes", "bytes of documents (their fields as DAG-CBOR)");
        var writes = Limit("--writes-per-second", "write requests in any one second (1 to 100000)");
        var sessions = Limit("--sync-sessions", "sync sessions open at once");
        var database = new Argument<string>("database") { Description = "The database name (acme.shop)." };
        var options = new TargetOptions();
        var set = new Command("set", "Set some of the database's quotas; the ones not given stay as they are.");
        set.Arguments.Add(database);
        foreach (var option in new[] { documents, bytes, writes, sessions }) set.Options.Add(option);
        options.AddTo(set);
        set.SetAction(async (result, ct) =>
        {
            static long? Parse(string option, string? text, long? current) => text switch
            {
                null => current,
                "none" => null,
                _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => n,
                _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"{option} is '{text}'; it takes an integer, or 'none' for no limit."),
            };
            string?[] given = [result.GetValue(documents), result.GetValue(bytes), result.GetValue(writes), result.GetValue(sessions)];
            if (given.All(g => g is null)) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give at least one of --documents, --bytes, --writes-per-second, --sync-sessions.");
            // Checked before the replica is opened or the server asked, so bad input changes nothing.
            new QuotaLimits(Parse("--documents", given[0], 0), Parse("--bytes", given[1], 0), Parse("--writes-per-second", given[2], 1), Parse("--sync-sessions", given[3], 0)).Checked();
            string name = result.GetValue(database)!;
            await using var target = await Target.OpenAsync(options, result);
            var current = (await target.QuotasAsync(name, ct)).Limits;
            var limits = new QuotaLimits(Parse("--documents", given[0], current.Documents), Parse("--bytes", given[1], current.Bytes),
                Parse("--writes-per-second", given[2], current.WritesPerSecond), Parse("--sync-sessions", given[3], current.SyncSessions));
            Print(Output.For(result, options), await target.SetQuotasAsync(name, limits, ct));
            return 0;
        });
        quota.Subcommands.Add(set);
        return quota;
    }

    private static void Print(Output output, QuotaStatus status)
    {
        if (output.Json)
        {
            output.WriteJson(w => QuotasJson.Write(w, status));
            return;
        }
        static string Limit(long? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "none";
        output.Table(["quota", "limit", "usage"],
        [
            ["documents", Limit(status.Limits.Documents), status.Usage.Documents.ToString(CultureInfo.InvariantCulture)],
            ["bytes", Limit(status.Limits.Bytes), status.Usage.Bytes.ToString(CultureInfo.InvariantCulture)],
            ["writes per second", Limit(status.Limits.WritesPerSecond), ""],
            ["sync sessions", Limit(status.Limits.SyncSessions), status.Usage.SyncSessions.ToString(CultureInfo.InvariantCulture)],
        ]);
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
