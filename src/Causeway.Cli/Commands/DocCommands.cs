using System.CommandLine;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway doc put|get|patch|delete|history</c>, <c>causeway tx</c> and <c>causeway query</c>.</summary>
internal static class DocCommands
{
    public static Command Create()
    {
        var doc = new Command("doc", "Write and read documents.");
        doc.Subcommands.Add(Make("put", "Create or replace a document from a JSON object.", withJson: true, async (db, coll, id, json, condition, _, output, ct) =>
        {
            var result = await db.PutAsync(coll, id!, ValueJson.Parse(json!), condition, ct);
            WriteResult(output, result);
        }));
        doc.Subcommands.Add(Make("get", "Read a document (optionally --at a position, commit or time).", withJson: false, async (db, coll, id, _, _, at, output, ct) =>
        {
            var document = await db.GetAsync(coll, id!, at, ct) ?? throw new NotFoundException($"Document {coll}/{id} does not exist.");
            output.WriteJson(w => DocumentJson.Write(w, document, output.TypedValues));
        }));
        doc.Subcommands.Add(Make("patch", "Apply field operations: a JSON array of FIELD-OPs, or { \"ops\": [..] }.", withJson: true, async (db, coll, id, json, condition, _, output, ct) =>
        {
            var result = await db.PatchAsync(coll, id!, FieldOps(json!), condition, ct);
            WriteResult(output, result);
        }));
        doc.Subcommands.Add(Make("delete", "Delete a document.", withJson: false, async (db, coll, id, _, condition, _, output, ct) =>
            WriteResult(output, await db.DeleteAsync(coll, id!, condition, ct))));
        doc.Subcommands.Add(Make("history", "Every version of a document, oldest first.", withJson: false, async (db, coll, id, _, _, at, output, ct) =>
        {
            var versions = await db.HistoryAsync(coll, id!, at, ct);
            // A bare array of versions (the HTTP answer wraps it as { "versions": [..] }).
            if (output.Json) output.WriteJson(w => { w.WriteStartArray(); foreach (var v in versions) DocumentVersionJson.Write(w, v, output.TypedValues); w.WriteEndArray(); });
            else output.Table(["position", "commit", "time", "deleted", "changes"], versions.Select(v => new[]
            {
                v.Position.ToString(), v.Commit.ToString(), ValueJson.FormatTime(v.Time), v.Deleted ? "yes" : "",
                string.Join(", ", v.Changes.Select(c => c.Path is null ? c.Op : $"{c.Op} {c.Path}{(c.Value is null ? "" : "=" + ValueJson.ToJsonString(c.Value, output.TypedValues))}")),
            }));
        }));
        return doc;
    }

    public static Command Transaction()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var json = new Argument<string?>("ops") { Description = "{ \"ops\": [ TX-OP, .. ] } or the array alone (else --file or standard input).", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var wait = Input.WaitOption();
        var command = new Command("tx", "Apply put/create/update/delete operations atomically: all or nothing.") { database, json, file, wait };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var ops = OpsOf(Input.Json(result.GetValue(json), result.GetValue(file), "transaction"), "A transaction", "TX-OP");
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            using var waiting = Input.Waiting(result.GetValue(wait));
            var outcome = await db.TransactAsync(tx =>
            {
                foreach (var op in ops.EnumerateArray()) OperationJson.ApplyTxOp(tx, op);
            }, ct);
            var output = Output.For(result, options);
            if (output.Json) output.WriteJson(w => TransactionResultJson.Write(w, outcome));
            else output.Line($"commit {outcome.Commit} at position {outcome.Position}{(outcome.Created.Count > 0 ? "; created " + string.Join(", ", outcome.Created) : "")}");
            return 0;
        });
        return command;
    }

    public static Command Query()
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var json = new Argument<string?>("query") { Description = "QUERY as JSON (else --file or standard input); see docs/queries.md.", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var plain = Input.PlainOption();
        var live = new Option<bool>("--live") { Description = "Keep the query open: print its result, then one delta per commit that changes it, a JSON line each (Ctrl-C stops)." };
        var since = new Option<long?>("--since") { Description = "With --live: resume after this position (the last one printed), without a snapshot." };
        var explain = new Option<bool>("--explain") { Description = "Also show how the query ran: the index ranges, the order, the rows examined, and why it scanned if it did." };
        var count = new Option<bool>("--count") { Description = "Print only how many documents match (limit, order and cursor play no part)." };
        var command = new Command("query", "Find documents: filters, ordering, limit and cursors; --live follows the result as it changes.") { database, json, file, plain, live, since, explain, count };
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var query = Queries.Query.Parse(Input.Json(result.GetValue(json), result.GetValue(file), "query"));
            if (result.GetValue(since) is not null && !result.GetValue(live))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, "--since resumes a live query: it goes with --live.");
            if (result.GetValue(live) && (result.GetValue(explain) || result.GetValue(count)))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, "--live follows a result as it changes; it goes with neither --explain nor --count.");
            if (result.GetValue(explain) && result.GetValue(count))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, "--count prints a number; it does not go with --explain.");
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            if (result.GetValue(live))
            {
                bool typed = !result.GetValue(plain);
                try
                {
                    await foreach (var e in db.LiveQueryAsync(query, result.GetValue(since), ct))
                        Output.WriteJsonLine(w => LiveQueryEventJson.Write(w, e, typed));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
                return 0;
            }
            var output = Output.For(result, options, result.GetValue(plain));
            if (result.GetValue(count))
            {
                var matching = await db.CountAsync(query, ct);
                if (output.Json) output.WriteJson(w => QueryCountJson.Write(w, matching));
                else output.Line(matching.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            }
            var page = await db.QueryAsync(query, result.GetValue(explain), ct);
            if (output.Json) output.WriteJson(w => QueryResultJson.Write(w, page, output.TypedValues));
            else
            {
                output.Table(["_id", "fields"], page.Documents.Select(d => new[] { d.Id, ValueJson.ToJsonString(d.Fields, output.TypedValues) }));
                if (page.Next is not null) output.Line($"more: add \"after\": \"{page.Next}\"");
                if (page.Plan is { } plan)
                    output.Line($"plan: {plan.Access} [{string.Join("; ", plan.Ranges)}], order {plan.Order}, examined {plan.ExaminedRows}, index keys {plan.IndexKeysRead}"
                        + (plan.EstimatedRows is { } estimate ? $", estimated {estimate}" : "") + (plan.Fallback is { } why ? $"; {why}" : ""));
            }
            return 0;
        });
        return command;
    }

    internal static void WriteResult(Output output, WriteResult result)
    {
        if (output.Json) output.WriteJson(w => WriteResultJson.Write(w, result));
        else output.Line($"commit {result.Commit} at position {result.Position}");
    }

    private static IReadOnlyList<FieldOp> FieldOps(string json) => OperationJson.FieldOps(OpsOf(json, "A patch", "FIELD-OP"));

    /// <summary>The operations, given as the array alone or as docs/api.md's { "ops": [..] } body.</summary>
    private static JsonElement OpsOf(string json, string what, string itemName)
    {
        var body = Input.Element(json, "operations list");
        if (body.ValueKind == JsonValueKind.Array)
        {
            if (body.GetArrayLength() == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, $"{what} needs at least one {itemName}.");
            return body;
        }
        return OperationJson.OpsOf(body, what, itemName);
    }

    private delegate Task DocAction(IDocumentDatabase db, string collection, string? id, string? json, WriteCondition? condition, ReadPoint? at, Output output, CancellationToken cancellation);

    /// <summary>The precondition of <c>--if-match</c> (a version as <c>_meta.commit</c> shows it, several
    /// comma-separated, the ETag of an HTTP answer with its quotes, or *) or <c>--if-none-match</c>.</summary>
    private static WriteCondition? Condition(string? ifMatch, bool ifNoneMatch)
    {
        if (ifMatch is not null && ifNoneMatch) throw new InvalidInputException(ErrorCodes.InvalidValue, "Give --if-match or --if-none-match, not both.");
        if (ifNoneMatch) return WriteCondition.IfAbsent;
        if (ifMatch is null) return null;
        string text = ifMatch.Trim();
        if (text == "*" || text.Contains('"') || text.StartsWith("W/", StringComparison.Ordinal)) return WriteCondition.ParseIfMatch(text);
        var versions = new List<Cid>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            versions.Add(Cid.TryParse(part, out var version) ? version
                : throw new InvalidInputException(ErrorCodes.InvalidValue, $"--if-match '{Names.Clip(part)}' is not a version: give the _meta.commit of a read (bafy…), or *."));
        return WriteCondition.IfVersion(versions);
    }

    private static Command Make(string name, string description, bool withJson, DocAction run)
    {
        var options = new TargetOptions();
        var database = new Argument<string>("database");
        var collection = new Argument<string>("collection");
        var id = new Argument<string>("id");
        var json = new Argument<string?>("json") { Description = "The JSON (else --file or standard input).", Arity = ArgumentArity.ZeroOrOne };
        var file = Input.FileOption();
        var at = new Option<string?>("--at") { Description = "Read the past: a position, a commit CID or an RFC 3339 time." };
        var wait = Input.WaitOption();
        var plain = Input.PlainOption();
        var ifMatch = new Option<string?>("--if-match") { Description = "Write only if the document is at this version (its _meta.commit, or a read's ETag; several comma-separated), or exists ('*'); else [precondition_failed]." };
        var ifNoneMatch = new Option<bool>("--if-none-match") { Description = "Create only: write only if the document does not exist (a deleted one does not); else [precondition_failed]." };
        bool writes = name is "put" or "patch" or "delete";
        var command = new Command(name, description) { database, collection, id };
        if (withJson) { command.Arguments.Add(json); command.Options.Add(file); }
        else if (!writes) { command.Options.Add(at); command.Options.Add(plain); }
        if (writes) { command.Options.Add(wait); command.Options.Add(ifMatch); }
        if (name == "put") command.Options.Add(ifNoneMatch);
        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            string? body = withJson ? Input.Json(result.GetValue(json), result.GetValue(file), "document") : null;
            if (body is not null) ValueJson.Parse(body); // malformed JSON is the caller's mistake: say so before touching any store
            var point = result.GetValue(at) is { } text ? ReadPoint.Parse(text) : null;
            var condition = writes ? Condition(result.GetValue(ifMatch), name == "put" && result.GetValue(ifNoneMatch)) : null;
            await using var target = await Target.OpenAsync(options, result);
            var db = await target.DatabaseAsync(result.GetValue(database)!, ct);
            using var waiting = Input.Waiting(writes ? result.GetValue(wait) : null);
            await run(db, result.GetValue(collection)!, result.GetValue(id), body, condition, point, Output.For(result, options, !writes && !withJson && result.GetValue(plain)), ct);
            return 0;
        });
        return command;
    }
}
