using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Transactions;
using Causeway.Values;
using Jint;
using Jint.Native;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Causeway.Functions;

/// <summary>The API a stored function sees (docs/functions.md): a frozen <c>db</c> object whose
/// methods map onto one <see cref="Transaction"/>, and <c>abort</c>. Every call is held to the
/// function's role before it touches the transaction (forbidden otherwise). Reads see the call's
/// snapshot and its own writes (<c>db.get</c>) or the snapshot alone (<c>db.query</c>). Errors the
/// engine raises (not_found, type_mismatch, constraint_violation, …) end the call with that error;
/// a script cannot catch them, nor <c>abort</c>.</summary>
internal sealed class FunctionScope(StoredDatabase database, Transaction tx, FunctionDefinition function)
{
    private JsValues _values = null!;

    /// <summary>Puts <c>db</c> and <c>abort</c> into <paramref name="engine"/>.</summary>
    public void Install(Engine engine, JsValues values)
    {
        _values = values;
        var db = new JsObject(engine);
        Method(engine, db, "get", 2, Get);
        Method(engine, db, "query", 1, Query);
        Method(engine, db, "put", 3, Put);
        Method(engine, db, "create", 2, Create);
        Method(engine, db, "patch", 3, Patch);
        Method(engine, db, "delete", 2, Delete);
        db.PreventExtensions();
        engine.SetValue("db", db);
        engine.SetValue("abort", new ClrFunction(engine, "abort", (_, args) =>
        {
            string code = args.Length > 0 && args[0].IsString() && args[0].AsString().Length > 0 ? Names.Clip(args[0].AsString()) : "aborted";
            string message = args.Length > 1 && args[1].IsString() ? (args[1].AsString() is var m && m.Length > 500 ? m[..500] + "…" : args[1].AsString()) : $"Function '{function.Name}' aborted.";
            throw new FunctionAbortedException(code, message);
        }, 2, PropertyFlag.Configurable));
    }

    /// <summary>A method of <c>db</c>. A call the script makes wrongly (a bad name or id, operations that
    /// are not FIELD-OPs, an increment of a register) is the function's fault, not its caller's:
    /// function_error, with the line of the script that made it.</summary>
    private void Method(Engine engine, JsObject target, string name, int length, Func<JsValue[], JsValue> body)
        => target.FastSetProperty(name, new PropertyDescriptor(new ClrFunction(engine, name, (_, args) =>
        {
            try
            {
                return body(args);
            }
            catch (InvalidInputException e)
            {
                throw new FunctionException(ErrorCodes.FunctionError, $"Function '{function.Name}' called db.{name} wrongly{Line(engine)}: {e.Message}");
            }
        }, length, PropertyFlag.Configurable), PropertyFlag.None));

    /// <summary>" at line N" of the script's innermost frame, from the engine's stack (empty when it has none).</summary>
    private static string Line(Engine engine)
    {
        var match = System.Text.RegularExpressions.Regex.Match(engine.Advanced.StackTrace, @":(\d+):\d+\)?\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        return match.Success ? $" at line {match.Groups[1].Value}" : "";
    }

    private JsValue Get(JsValue[] args)
    {
        string collection = Collection(args, "get", Commands.Read);
        string id = Id(args, 1, "get");
        var document = tx.GetAsync(collection, id).GetAwaiter().GetResult();
        return document is null ? JsValue.Null : Document(document);
    }

    private JsValue Query(JsValue[] args)
    {
        if (args.Length == 0 || !args[0].IsObject()) throw Misuse("query", "db.query({ collection, where, orderBy, limit, after })");
        var json = _values.FromJs(args[0], function.Name, "a query");
        var query = Queries.Query.Parse(ValueJson.ToJsonString(json, typed: true));
        Allow(Commands.Read, query.Collection);
        if (query.ReadAt is null) query = query.At(ReadPoint.AtPosition(tx.Snapshot));
        var result = QueryExecutor.Run(database, query, CancellationToken.None);
        var docs = new JsArray(_values.Engine, [.. result.Documents.Select(Document)]);
        var page = new JsObject(_values.Engine);
        page.FastSetDataProperty("docs", docs);
        page.FastSetDataProperty("next", result.Next is { } next ? new JsString(next) : JsValue.Null);
        return page;
    }

    private JsValue Put(JsValue[] args)
    {
        string collection = Collection(args, "put", Commands.Write);
        tx.Put(collection, Id(args, 1, "put"), Body(args, 2, "put"));
        return JsValue.Undefined;
    }

    private JsValue Create(JsValue[] args)
    {
        string collection = Collection(args, "create", Commands.Write);
        return new JsString(tx.CreateAsync(collection, Body(args, 1, "create")).AsTask().GetAwaiter().GetResult());
    }

    private JsValue Patch(JsValue[] args)
    {
        string collection = Collection(args, "patch", Commands.Write);
        string id = Id(args, 1, "patch");
        if (args.Length < 3 || !args[2].IsArray()) throw Misuse("patch", "db.patch(collection, id, [{ op: 'increment', path: 'stock', by: -1 }, ..])");
        var ops = _values.FromJs(args[2], function.Name, "field operations");
        using var json = JsonDocument.Parse(ValueJson.ToJsonString(ops, typed: true));
        var list = OperationJson.FieldOps(json.RootElement);
        if (list.Count == 0) throw Misuse("patch", "db.patch(collection, id, ops) with at least one operation");
        tx.Patch(collection, id, list);
        return JsValue.Undefined;
    }

    private JsValue Delete(JsValue[] args)
    {
        string collection = Collection(args, "delete", Commands.Delete);
        tx.Delete(collection, Id(args, 1, "delete"));
        return JsValue.Undefined;
    }

    private JsObject Document(Document document)
    {
        var o = (JsObject)_values.ToJs(document.Fields);
        o.FastSetDataProperty("_id", new JsString(document.Id));
        return o;
    }

    private Value Body(JsValue[] args, int index, string method)
    {
        if (args.Length <= index || !args[index].IsObject() || args[index].IsArray()) throw Misuse(method, $"db.{method}(.., {{ ..fields }}) with an object");
        return _values.FromJs(args[index], function.Name, "a document");
    }

    private string Collection(JsValue[] args, string method, string command)
    {
        string collection = Names.Collection(Text(args, 0, method, "a collection"));
        Allow(command, collection);
        return collection;
    }

    private static string Id(JsValue[] args, int index, string method) => Names.DocumentId(Text(args, index, method, "an id"));

    private static string Text(JsValue[] args, int index, string method, string what)
        => args.Length > index && args[index].IsString() ? args[index].AsString() : throw new InvalidInputException(ErrorCodes.InvalidValue, $"{method}() takes {what} as argument {index + 1}, a string.");

    private void Allow(string command, string collection)
    {
        if (Schemas.SystemCollections.IsSystem(collection) || !function.Allows(command, collection))
            throw new ForbiddenException($"Function '{function.Name}' may not {Verb(command)} collection '{collection}': its role is {Describe(function.Role)}.");
    }

    private static string Verb(string command) => command switch { Commands.Read => "read", Commands.Delete => "delete in", _ => "write" };

    private static string Describe(IReadOnlyList<FunctionGrant> role)
        => role.Count == 0 ? "empty" : string.Join("; ", role.Select(g => g.Collections is null ? $"{g.Command} on every collection" : $"{g.Command} on {string.Join(", ", g.Collections)}"));

    private InvalidInputException Misuse(string method, string usage)
        => new(ErrorCodes.InvalidValue, $"it is {usage}.");

    private static class Commands
    {
        public const string Read = "/doc/read";
        public const string Write = "/doc/write";
        public const string Delete = "/doc/delete";
    }
}
