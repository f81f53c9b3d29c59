using System.CommandLine;
using Causeway.Schemas;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway schema DB [SCHEMA | --file F]</c>: shows the schema, or sets it, with the analysis.</summary>
internal static class SchemaCommands
{
    public static Command Schema()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var json = new Argument<string?>("schema") { Description = "The SCHEMA JSON to set (docs/api.md); without it (and without --file), the schema is shown.", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var command = new Command("schema", "Show or set a database's schema: field kinds and constraints, with how each constraint is kept. 'causeway schema diff DB --schema FILE' compares a schema file with it.") { database, json, file };
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

    /// <summary><c>causeway reservations DB COLLECTION FIELD... --ranges 0-7 --to DID</c>: on the home
    /// replica, hands a replica ranges of a unique tuple's values in advance.</summary>
    public static Command Reservations()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var collection = new Argument<string>("collection");
        var fields = new Argument<string[]>("fields") { Description = "The unique tuple's fields, as the schema lists them.", Arity = ArgumentArity.OneOrMore };
        var ranges = new Option<string>("--ranges") { Description = "Hex digits and ranges of them (0-7, 08f): the values whose hash starts with one.", Required = true };
        var to = new Option<string>("--to") { Description = "The did:key of the replica that gets them.", Required = true };
        var command = new Command("reservations", "On the home replica: hand a replica, in advance, the values of a unique tuple whose hash starts with the given digits, so it uses them offline.")
            { database, collection, fields, ranges, to };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            var written = await db.HandOutValueRangeAsync(result.GetValue(collection)!, result.GetValue(fields)!, result.GetValue(ranges)!, result.GetValue(to)!, ct);
            DocCommands.WriteResult(Output.For(result, options), written);
            return 0;
        });
        return command;
    }
}
