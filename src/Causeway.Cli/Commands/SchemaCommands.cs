using System.CommandLine;
using Causeway.Schemas;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway schema DB [SCHEMA | --file F]</c>: shows the schema, or sets it, with the analysis.</summary>
internal static class SchemaCommands
{
    public static Command Schema()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var json = new Argument<string?>("schema") { Description = "The SCHEMA JSON to set (shared/API.md); without it (and without --file), the schema is shown.", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var command = new Command("schema", "Show or set a database's schema: field kinds and constraints, with how each constraint is kept.") { database, json, file };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            bool setting = result.GetValue(json) is not null || result.GetValue(file) is not null;
            var info = setting
                ? await db.SetSchemaAsync(SchemaJson.Parse(Input.Json(result.GetValue(json), result.GetValue(file), "schema")), ct)
                : await db.GetSchemaAsync(ct);
            var output = Output.For(result, options);
            if (output.Json)
            {
                output.WriteJson(w => SchemaInfoJson.Write(w, info));
                return 0;
            }
            output.Line($"schema version {info.Version.Version}{(info.Version.Commit is { } c ? $" (commit {c})" : " (none set)")}, home {info.Schema.Home ?? "-"}");
            if (info.Analysis.Constraints.Count > 0)
                output.Table(["collection", "constraint", "technique", "may coordinate"],
                    info.Analysis.Constraints.Select(a => new[] { a.Collection, a.Constraint, a.Technique, a.Coordinates.Count == 0 ? "never" : string.Join(", ", a.Coordinates) }));
            output.Line(info.Violations.Count == 0 ? "no stored document breaks it" : $"{info.Violations.Count} stored documents break it:");
            foreach (var v in info.Violations) output.Line($"  {v.Collection}/{v.Id}: {v.Problem}");
            return 0;
        });
        return command;
    }
}
