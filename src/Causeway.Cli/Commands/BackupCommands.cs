using System.CommandLine;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway backup</c> and <c>causeway restore</c> (docs/backup.md).</summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var options = new TargetOptions();
        var folder = new Option<string>("--out") { Description = "The folder to write the backup into: new or empty. With --url it is on the server's machine.", Required = true };
        var command = new Command("backup", "Back a whole replica up (every database at one consistent point, its key, a server's tokens and links) while it serves.") { folder };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            // A relative folder means the one here, which is the server's too when it runs on this machine.
            string path = Path.GetFullPath(result.GetValue(folder)!);
            await using var target = await Target.OpenAsync(options, result);
            var report = await target.BackupAsync(path, ct);
            var output = Output.For(result, options);
            if (output.Json) output.WriteJson(w => BackupReportJson.Write(w, report));
            else output.Line($"backed up {report.Replica} ({report.Databases.Count} databases) to {report.Folder}");
            return 0;
        });
        return command;
    }

    public static Command Restore()
    {
        var from = new Option<string>("--from") { Description = "The backup folder (causeway backup --out).", Required = true };
        var data = new Option<string>("--data") { Description = "The replica folder to restore into: new or empty. Start a server on it, or open it, afterwards.", Required = true };
        var unfenced = new Option<bool>("--unfenced")
        {
            Description = "Take local writes at once. Only when no peer can hold commits this replica signed after the backup: otherwise each database waits until it has synced with a peer.",
        };
        var command = new Command("restore", "Restore a replica from a backup into a new folder; it keeps its identity.") { from, data, unfenced };
        var json = new Option<bool>("--json") { Description = "Print JSON even on a terminal (JSON is the default when the output is piped)." };
        command.Options.Add(json);
        command.SetAction(async (result, ct) =>
        {
            bool fenced = !result.GetValue(unfenced);
            var report = await Replica.RestoreAsync(result.GetValue(from)!, result.GetValue(data)!, fenced, ct);
            var output = new Output(result.GetValue(json));
            if (output.Json) output.WriteJson(w => BackupReportJson.Write(w, report));
            else output.Line($"restored {report.Replica} ({report.Databases.Count} databases) into {report.Folder}"
                + (fenced ? "; each database takes local writes once it has synced with a peer" : ""));
            return 0;
        });
        return command;
    }
}
