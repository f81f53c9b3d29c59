using System.CommandLine;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models.Migrations;
using Causeway.Schemas;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway schema diff DB --schema F</c> and <c>causeway migrate DB --schema F</c>. The CLI
/// cannot load an application's C# model, so the new schema comes as the JSON the model exports
/// (<c>DocumentModel.ToSchemaJson()</c>, the body of <c>PUT schema</c>), and a migration's breaking
/// changes are declared with options.</summary>
internal static class MigrationCommands
{
    private static Option<string> SchemaFile() => new("--schema")
    {
        Description = "The new schema: a SCHEMA JSON file (docs/api.md), as DocumentModel.ToSchemaJson() exports it ('-' for standard input).",
        Required = true,
        HelpName = "file.json",
    };

    public static Command Diff()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var schema = SchemaFile();
        var command = new Command("diff", "Compare a schema JSON file with the database's schema: fields added, removed and retyped, constraints added and removed, collections added; breaking changes need a migration.")
            { database, schema };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var target = ReadSchema(result.GetValue(schema)!);
            await using var at = await Target.OpenAsync(options, result);
            var db = await at.DatabaseAsync(result.GetValue(database)!, ct);
            var current = await db.GetSchemaAsync(ct);
            var changes = SchemaDiff.Between(current.Schema, target);
            var output = Output.For(result, options);
            if (output.Json)
            {
                output.WriteJson(w => SchemaDiffReportJson.Write(w, new SchemaDiffReport(Numbered(current.Schema.Migration ?? 0), Reports(changes))));
                return 0;
            }
            output.Line($"{result.GetValue(database)} is at migration {current.Schema.Migration ?? 0} (schema version {current.Version.Version})");
            PrintChanges(output, changes, "the schema file matches the database's schema");
            return 0;
        });
        return command;
    }

    /// <summary>A root with only <c>schema diff</c>, for the command lines that start with it.</summary>
    public static RootCommand DiffRoot(string description)
    {
        var schema = new Command("schema", "Schema commands.") { Diff() };
        return new RootCommand(description) { schema };
    }

    public static Command Migrate()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var schema = SchemaFile();
        var version = new Option<long?>("--version") { Description = "The migration's version (default: one above the database's).", HelpName = "N" };
        Option<string[]> Declared(string name, string what, string form) => new(name) { Description = what, HelpName = form, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };
        var rename = Declared("--rename", "Declare a renamed field: COLLECTION.OLD=NEW (repeatable).", "c.old=new");
        var retype = Declared("--retype", "Declare a field whose kind or type changes: COLLECTION.FIELD (repeatable).", "c.field");
        var drop = Declared("--drop", "Declare a removed field: COLLECTION.FIELD (repeatable).", "c.field");
        var dropCollection = Declared("--drop-collection", "Declare a collection the schema no longer names (repeatable).", "collection");
        var tighten = Declared("--tighten", "Declare a constraint that appears or grows stricter on COLLECTION.FIELD (repeatable).", "c.field");
        var command = new Command("migrate", "Apply a schema JSON file as the database's next migration: safe changes as they are, breaking ones only when declared with --rename, --retype, --drop, --drop-collection or --tighten. Applying the same file again writes nothing.")
            { database, schema, version, rename, retype, drop, dropCollection, tighten };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var target = ReadSchema(result.GetValue(schema)!);
            var steps = new List<MigrationStep>();
            foreach (string text in result.GetValue(rename) ?? [])
            {
                var (collection, field) = Split(text, "--rename");
                int equals = field.IndexOf('=');
                if (equals <= 0 || equals == field.Length - 1) throw new InvalidInputException(ErrorCodes.InvalidValue, $"--rename takes COLLECTION.OLD=NEW, not '{Names.Clip(text)}'.");
                steps.Add(new RenameField(collection, field[..equals], field[(equals + 1)..]));
            }
            foreach (string text in result.GetValue(retype) ?? []) steps.Add(Field(text, "--retype", (c, f) => new RetypeField(c, f)));
            foreach (string text in result.GetValue(drop) ?? []) steps.Add(Field(text, "--drop", (c, f) => new DropField(c, f)));
            foreach (string text in result.GetValue(dropCollection) ?? []) steps.Add(new DropCollection(text));
            foreach (string text in result.GetValue(tighten) ?? []) steps.Add(Field(text, "--tighten", (c, f) => new TightenConstraint(c, f)));

            await using var at = await Target.OpenAsync(options, result);
            string name = result.GetValue(database)!;
            var db = await at.DatabaseAsync(name, ct);
            var current = await db.GetSchemaAsync(ct);
            long from = current.Schema.Migration ?? 0;
            long next = result.GetValue(version) ?? from + 1;
            var changes = SchemaDiff.Between(current.Schema, target);
            var output = Output.For(result, options);
            MigrationResult migrated;
            if (changes.Count == 0 && next <= from + 1)
                migrated = new MigrationResult(from, from, changes, null);   // the same file again: nothing to do
            else if (next <= from)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"{name} is at migration {from} already; give a --version above it.");
            else
            {
                try { migrated = await SchemaMigration.ApplyAsync(db, target, new MigrationLog([Migration.Of(next, steps)]), ct); }
                catch (UndeclaredSchemaChangeException e)
                {
                    // The library names the C# step; here the option that declares it.
                    var change = e.Change;
                    string declare = change.Kind switch
                    {
                        SchemaChangeKind.FieldRemoved => $"--drop {change.Collection}.{change.Field} (or --rename {change.Collection}.{change.Field}=NEW)",
                        SchemaChangeKind.FieldRetyped => $"--retype {change.Collection}.{change.Field}",
                        SchemaChangeKind.CollectionRemoved => $"--drop-collection {change.Collection}",
                        _ => $"--tighten {change.Collection}.{change.Field}",
                    };
                    throw new InvalidInputException(ErrorCodes.InvalidValue, $"The new schema changes {(change.Field is { } f ? $"'{change.Collection}.{f}'" : $"collection '{change.Collection}'")} ({change.Detail}); declare it with {declare}. Nothing was written.");
                }
            }
            if (output.Json)
            {
                output.WriteJson(w => MigrationReportJson.Write(w, new MigrationReport(Numbered(migrated.From), Numbered(migrated.To), migrated.Applied,
                    migrated.Written?.Version.Version, Reports(migrated.Changes))));
                return 0;
            }
            if (!migrated.Applied) output.Line($"nothing to migrate: {name} is at migration {from} and has this schema already");
            else
            {
                output.Line($"migrated {name} from {migrated.From} to {migrated.To} (schema version {migrated.Written!.Version.Version})");
                PrintChanges(output, migrated.Changes, "no schema change");
                if (migrated.Written.Violations.Count > 0) output.Line($"{migrated.Written.Violations.Count} stored documents break the new schema (causeway schema {name} lists them)");
            }
            return 0;
        });
        return command;
    }

    private static Schema ReadSchema(string file) => SchemaJson.Parse(Input.Json(null, file, "schema"));

    /// <summary><c>products.title</c> → (products, title): collection names have no dots, field paths may.</summary>
    private static (string Collection, string Field) Split(string text, string option)
    {
        int dot = text.IndexOf('.');
        if (dot <= 0 || dot == text.Length - 1) throw new InvalidInputException(ErrorCodes.InvalidValue, $"{option} takes COLLECTION.FIELD, not '{Names.Clip(text)}'.");
        return (text[..dot], text[(dot + 1)..]);
    }

    private static MigrationStep Field(string text, string option, Func<string, string, MigrationStep> make)
    {
        var (collection, field) = Split(text, option);
        return make(collection, field);
    }

    /// <summary>Migration 0 is "none yet", which the JSON says as null.</summary>
    private static long? Numbered(long version) => version == 0 ? null : version;

    private static IReadOnlyList<SchemaChangeReport> Reports(IReadOnlyList<SchemaChange> changes)
        => [.. changes.Select(c => new SchemaChangeReport(Wire(c.Kind), c.Collection, [.. c.Fields], c.Detail, c.Breaking))];

    private static void PrintChanges(Output output, IReadOnlyList<SchemaChange> changes, string none)
    {
        if (changes.Count == 0)
        {
            output.Line(none);
            return;
        }
        output.Table(["collection", "fields", "change", "needs a migration"],
            changes.Select(c => new[] { c.Collection, string.Join(", ", c.Fields), c.Detail, c.Breaking ? "yes" : "no" }));
    }

    /// <summary><c>FieldRetyped</c> → <c>field_retyped</c>.</summary>
    private static string Wire(SchemaChangeKind kind)
        => string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
