using System.CommandLine;
using System.Globalization;
using Causeway.Errors;
using Causeway.Functions;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway fn put|get|list|delete|call|limits</c>: stored functions, on a folder or through a server.</summary>
internal static class FunctionCommands
{
    public static Command Create()
    {
        var fn = new Command("fn", "Define, read, list, delete and call stored functions.");
        fn.Subcommands.Add(Put());
        fn.Subcommands.Add(Named("get", "Show a stored function: its source, role, argument shape, definer and version.", async (db, name, output, ct) =>
        {
            var info = await db.GetFunctionAsync(name, ct) ?? throw new NotFoundException($"Function '{name}' does not exist in database '{db.Name}'.");
            if (output.Json) output.WriteJson(w => FunctionJson.Write(w, info));
            else Describe(output, info);
        }));
        fn.Subcommands.Add(List());
        fn.Subcommands.Add(Named("delete", "Delete a stored function.", async (db, name, output, ct) =>
            DocCommands.WriteResult(output, await db.DeleteFunctionAsync(name, ct))));
        fn.Subcommands.Add(Call());
        fn.Subcommands.Add(Limits());
        return fn;
    }

    /// <summary><c>fn put DB NAME --source FILE|- [--role JSON] [--args JSON]</c>, or <c>--file F</c> with the
    /// whole definition as <c>PUT /v1/dbs/{db}/functions/{name}</c> takes it.</summary>
    private static Command Put()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var name = new Argument<string>("name") { Description = "The function's name: a letter or '_' first, then letters, digits, '_', '-' or '.'." };
        var source = new Option<string?>("--source", "-s") { Description = "The file with the function's JavaScript ('-' for standard input): an expression giving a function of one argument.", HelpName = "FILE" };
        var role = new Option<string?>("--role") { Description = "What the function may read and write, as JSON: [{\"cmd\": \"/doc/write\", \"collections\": [\"items\"]}, ..] (default [], nothing).", HelpName = "JSON" };
        var args = new Option<string?>("--args") { Description = "The argument's shape, as JSON: {\"item\": \"string\", \"qty\": \"integer?\"} (default: any argument).", HelpName = "JSON" };
        var file = new Option<string?>("--file", "-f") { Description = "Instead of --source, --role and --args: a file ('-' for standard input) with the whole definition, {\"source\", \"role\", \"args\"?}." };
        var command = new Command("put", "Define or replace a stored function.") { database, name, source, role, args, file };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            // Checked in full before the replica is opened or the server asked, so bad input changes nothing.
            var definition = Definition(result.GetValue(name)!, result.GetValue(source), result.GetValue(role), result.GetValue(args), result.GetValue(file));
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            FunctionInfo info;
            try
            {
                info = await db.DefineFunctionAsync(definition, ct);
            }
            catch (FunctionException e)
            {
                // A source that does not compile, or gives no function, is the caller's to fix: exit 2, its code kept.
                throw new InvalidInputException(e.Code, e.Message, e);
            }
            var output = Output.For(result, options);
            if (output.Json) output.WriteJson(w => FunctionJson.Write(w, info));
            else output.Line($"defined {info.Name}: commit {info.Commit} at position {info.Position}");
            return 0;
        });
        return command;
    }

    private static FunctionDefinition Definition(string name, string? source, string? role, string? args, string? file)
    {
        FunctionDefinition.CheckName(name);
        if (file is not null)
        {
            if (source is not null || role is not null || args is not null)
                throw new InvalidInputException(ErrorCodes.InvalidValue, "--file holds the whole definition; give either it or --source (with --role and --args), not both.");
            return FunctionJson.ReadDefinition(name, Input.Element(Input.Json(null, file, "definition"), "definition"));
        }
        if (source is null) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give the function's source with --source FILE ('-' for standard input), or the whole definition with --file.");
        string code = source == "-" ? Console.In.ReadToEnd()
            : File.Exists(source) ? File.ReadAllText(source)
            : throw new InvalidInputException(ErrorCodes.InvalidValue, $"No file '{source}' for --source.");
        var grants = role is null ? [] : FunctionDefinition.RoleFromValue(ValueJson.Parse(role));
        var shape = args is null ? null : ArgumentShape.FromValue(ValueJson.Parse(args));
        return new FunctionDefinition(name, code, grants, shape);
    }

    private static Command List()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var command = new Command("list", "The database's stored functions, by name.") { database };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            var functions = await db.ListFunctionsAsync(ct);
            var output = Output.For(result, options);
            if (output.Json) output.WriteJson(w => FunctionJson.WriteList(w, functions));
            else output.Table(["name", "args", "role", "definer", "position"],
                functions.Select(f => new[] { f.Name, Shape(f.Definition), Role(f.Definition), f.Definer, f.Position.ToString(CultureInfo.InvariantCulture) }));
            return 0;
        });
        return command;
    }

    /// <summary><c>fn call DB NAME [ARG | - | --file F] [--idempotency-key K] [--wait N] [--plain]</c>.</summary>
    private static Command Call()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var name = new Argument<string>("name");
        var json = new Argument<string?>("argument") { Description = "The argument as JSON ('-' for standard input, or --file); without one, the function gets null.", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var key = new Option<string?>("--idempotency-key") { Description = "A retry with the same key and argument answers the first call's result without running again (the same key with another argument is [idempotency_conflict]).", HelpName = "KEY" };
        var wait = Input.WaitOption();
        var plain = Input.PlainOption();
        var command = new Command("call", "Call a stored function: its writes are one commit, or none. Prints its result, the commit and the position.") { database, name, json, file, key, wait, plain };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            string function = FunctionDefinition.CheckName(result.GetValue(name)!);
            var argument = Argument(result.GetValue(json), result.GetValue(file));
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            using var waiting = Input.Waiting(result.GetValue(wait));
            var call = await db.CallAsync(function, argument, new CallOptions(result.GetValue(key)), ct);
            var output = Output.For(result, options, result.GetValue(plain));
            if (output.Json)
            {
                output.WriteJson(w => CallResultJson.Write(w, call, output.TypedValues));
                return 0;
            }
            output.Line(ValueJson.ToJsonString(call.Result, output.TypedValues));
            output.Line((call.Commit is { } commit ? $"commit {commit} at position {call.Position}" : $"no commit: nothing written (position {call.Position})")
                + (call.Replayed ? "; replayed: the first call's result, nothing ran again" : ""));
            return 0;
        });
        return command;
    }

    /// <summary>The call's argument: inline, '-' or --file for standard input or a file; none is null, as an empty HTTP body is.</summary>
    private static Value Argument(string? inline, string? file)
    {
        if (inline is null && file is null) return Value.Null;
        if (inline == "-")
        {
            if (file is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give the argument inline, '-' or with --file, not both.");
            (inline, file) = (null, "-");
        }
        string text = Input.Json(inline, file, "argument");
        return string.IsNullOrWhiteSpace(text) ? Value.Null : ValueJson.Parse(text);
    }

    /// <summary><c>fn limits DB [--set JSON]</c>: this replica's (or the server's) limits on the database's calls.</summary>
    private static Command Limits()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var set = new Option<string?>("--set") { Description = "Replace the limits: {\"timeoutMs\", \"statements\", \"memoryBytes\", \"recursionDepth\", \"arrayLength\", \"regexTimeoutMs\", \"resultBytes\", \"idempotencyHours\"}; the ones left out take their defaults.", HelpName = "JSON" };
        var command = new Command("limits", "Show or set the limits on the database's function calls: time, statements, memory, recursion, array length, regex time, result size, idempotency retention.") { database, set };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var limits = result.GetValue(set) is { } json ? FunctionLimitsJson.Read(Input.Element(json, "limits")) : null;
            string db = result.GetValue(database)!;
            await using var target = await Target.OpenAsync(options, result);
            limits = limits is null ? await target.FunctionLimitsAsync(db, ct) : await target.SetFunctionLimitsAsync(db, limits, ct);
            var output = Output.For(result, options);
            if (output.Json)
            {
                output.WriteJson(w => FunctionLimitsJson.Write(w, limits));
                return 0;
            }
            static string N(double n) => n.ToString(CultureInfo.InvariantCulture);
            output.Table(["limit", "value"],
            [
                ["timeoutMs", N(limits.Timeout.TotalMilliseconds)],
                ["statements", N(limits.Statements)],
                ["memoryBytes", N(limits.MemoryBytes)],
                ["recursionDepth", N(limits.RecursionDepth)],
                ["arrayLength", N(limits.ArrayLength)],
                ["regexTimeoutMs", N(limits.RegexTimeout.TotalMilliseconds)],
                ["resultBytes", N(limits.ResultBytes)],
                ["idempotencyHours", N(limits.IdempotencyRetention.TotalHours)],
            ]);
            return 0;
        });
        return command;
    }

    private static void Describe(Output output, FunctionInfo info)
    {
        output.Line($"name     {info.Name}");
        output.Line($"args     {Shape(info.Definition)}");
        output.Line($"role     {Role(info.Definition)}");
        output.Line($"definer  {info.Definer}");
        output.Line($"version  commit {info.Commit} at position {info.Position}");
        output.Line(info.Definition.Source);
    }

    private static string Shape(FunctionDefinition definition)
        => definition.Arguments is not { } shape ? "any" : shape.Members.Count == 0 ? "{}" : string.Join(", ", shape.Members.Select(m => $"{m.Key}: {m.Value}"));

    private static string Role(FunctionDefinition definition)
        => definition.Role.Count == 0 ? "none" : string.Join("; ", definition.Role.Select(g => g.Collections is null ? $"{g.Command} on every collection" : $"{g.Command} on {string.Join(", ", g.Collections)}"));

    private static Command Named(string name, string description, Func<IDocumentDatabase, string, Output, CancellationToken, Task> run)
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var function = new Argument<string>("name");
        var command = new Command(name, description) { database, function };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            string fn = FunctionDefinition.CheckName(result.GetValue(function)!);
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            await run(db, fn, Output.For(result, options), ct);
            return 0;
        });
        return command;
    }
}
