using System.CommandLine;
using Causeway.Wire;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway changes</c>, <c>verify</c>, <c>export</c> and <c>import</c>.</summary>
internal static class LedgerCommands
{
    public static Command Changes()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var since = new Option<long>("--since") { Description = "Start after this position (0: from the beginning)." };
        var follow = new Option<bool>("--follow") { Description = "Keep printing new commits as they are made (Ctrl-C stops)." };
        var command = new Command("changes", "The commits of a database, in position order.") { database, since, follow };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            var output = Output.For(result, options);
            try
            {
                await foreach (var change in db.ChangesAsync(result.GetValue(since), result.GetValue(follow), ct))
                {
                    if (output.Json) output.WriteJson(w => ChangeJson.Write(w, change));
                    else output.Line($"{change.Position,8}  {change.Commit}  {string.Join(", ", change.Documents.Select(d => $"{d.Collection}/{d.Id}{(d.Deleted ? " (deleted)" : "")}"))}");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            return 0;
        });
        return command;
    }

    public static Command Verify()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var command = new Command("verify", "Walk the ledger: every hash, signature, sequence and parent.") { database };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            string name = result.GetValue(database)!;
            var output = Output.For(result, options);
            long total = (await (await target.DatabaseAsync(name, ct)).InfoAsync(ct)).Commits;
            var report = await WithProgress(output, $"verifying {name}", total, progress => target.VerifyAsync(name, progress, ct));
            if (output.Json) output.WriteJson(w => VerifyReportJson.Write(w, report));
            else
            {
                output.Line(report.Ok ? $"ok: {report.Commits} commits verified" : $"{report.Problems.Count} problems in {report.Commits} commits:");
                foreach (var problem in report.Problems) output.Line("  " + problem);
            }
            return report.Ok ? 0 : 1;
        });
        return command;
    }

    public static Command Export()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var file = new Argument<string>("file") { Description = "The CAR file to write ('-' for standard output)." };
        var command = new Command("export", "Write a database's ledger as a CARv1 archive.") { database, file };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            string name = result.GetValue(database)!, path = result.GetValue(file)!;
            await using var stream = path == "-" ? Console.OpenStandardOutput() : File.Create(path);
            var output = new Output(json: path == "-" || result.GetValue(options.Json));
            long total = (await (await target.DatabaseAsync(name, ct)).InfoAsync(ct)).Commits;
            long commits = await WithProgress(output, $"exporting {name}", total, progress => target.ExportAsync(name, stream, progress, ct));
            output.Line($"exported {commits} commits of {name} to {path}");
            return 0;
        });
        return command;
    }

    public static Command Import()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var file = new Argument<string>("file") { Description = "The CAR file to read ('-' for standard input)." };
        var command = new Command("import", "Verify and apply the commits of a CARv1 ledger archive (of a database of the same name).") { database, file };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            string name = result.GetValue(database)!, path = result.GetValue(file)!;
            if (path != "-" && !File.Exists(path)) throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"No file '{path}'.");
            await using var target = await Target.OpenAsync(options, result);
            await using var stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var output = Output.For(result, options);
            var imported = await WithProgress(output, $"importing into {name}", 0, progress => target.ImportAsync(name, stream, progress, ct));
            if (output.Json) output.WriteJson(w => ImportResultJson.Write(w, imported));
            else output.Line($"applied {imported.Applied} commits, {imported.Skipped} already here; {name} is at position {imported.Position}");
            return 0;
        });
        return command;
    }

    /// <summary>Runs long work under a progress bar when a person is watching, silently otherwise.</summary>
    private static async Task<T> WithProgress<T>(Output output, string label, long total, Func<IProgress<long>, Task<T>> work)
    {
        if (output.Json || Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return await work(new Progress<long>());
        T result = default!;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask(label, maxValue: Math.Max(1, total));
            if (total == 0) task.IsIndeterminate = true;
            result = await work(new Progress<long>(done => task.Value = done));
            task.Value = task.MaxValue;
        });
        return result;
    }
}
