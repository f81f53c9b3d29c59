using Causeway.Documents;
using Causeway.Values;

namespace Causeway;

/// <summary>What an application does with one database, whether it runs in process
/// (<see cref="Database"/>) or behind a Causeway server (<c>Causeway.Client.RemoteDatabase</c>).
/// Both sides raise the same exceptions with the same <see cref="Errors.CausewayException.Code"/>,
/// so switching from embedded to remote changes only how the database is opened.</summary>
/// <remarks>Interactive transactions (reading inside a transaction and deciding what to write) are
/// embedded-only: see <see cref="Database.TransactAsync(Func{Transactions.Transaction, Task}, CancellationToken)"/>.
/// Here a transaction is a list of writes, applied all or nothing (<see cref="TransactAsync"/>).</remarks>
public interface IDocumentDatabase
{
    string Name { get; }

    /// <summary>Creates or replaces a document (a map; <c>_id</c>, <c>_collection</c> and <c>_meta</c> are ignored).</summary>
    Task<WriteResult> PutAsync(string collection, string id, Value document, CancellationToken cancellation = default);

    /// <summary>Creates or replaces a document if it is as <paramref name="condition"/> requires (none when
    /// null): at a version read before (<see cref="WriteCondition.IfVersion(Encoding.Cid)"/>, the
    /// <see cref="Document.Commit"/> of a read), present (<see cref="WriteCondition.IfExists"/>) or absent,
    /// which makes it create only (<see cref="WriteCondition.IfAbsent"/>). The check and the write are one
    /// step against the latest state; when the document is otherwise, <see cref="Errors.PreconditionFailedException"/>
    /// (precondition_failed) and nothing is written.</summary>
    Task<WriteResult> PutAsync(string collection, string id, Value document, WriteCondition? condition, CancellationToken cancellation = default);

    /// <summary>Creates a document with a generated id.</summary>
    Task<(string Id, WriteResult Result)> CreateAsync(string collection, Value document, CancellationToken cancellation = default);

    /// <summary>The document as of <paramref name="at"/> (the latest state by default); null when absent or deleted.</summary>
    Task<Document?> GetAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default);

    /// <summary>Applies field operations to an existing document (not_found if it is absent or deleted).</summary>
    Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, CancellationToken cancellation);

    /// <summary>As <see cref="PatchAsync(string, string, IEnumerable{FieldOp}, CancellationToken)"/>, without cancellation.</summary>
    Task<WriteResult> PatchAsync(string collection, string id, params IEnumerable<FieldOp> ops) => PatchAsync(collection, id, ops, CancellationToken.None);

    /// <summary>Applies field operations to an existing document if it is as <paramref name="condition"/>
    /// requires (none when null; <see cref="WriteCondition.IfAbsent"/> is for puts, invalid_value here);
    /// otherwise precondition_failed, and nothing is written.</summary>
    Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, WriteCondition? condition, CancellationToken cancellation = default);

    /// <summary>As <see cref="PatchAsync(string, string, IEnumerable{FieldOp}, WriteCondition, CancellationToken)"/>, without cancellation.</summary>
    Task<WriteResult> PatchAsync(string collection, string id, WriteCondition? condition, params IEnumerable<FieldOp> ops) => PatchAsync(collection, id, ops, condition);

    /// <summary>Deletes a document (not_found if it is absent or already deleted).</summary>
    Task<WriteResult> DeleteAsync(string collection, string id, CancellationToken cancellation = default);

    /// <summary>Deletes a document if it is as <paramref name="condition"/> requires (none when null;
    /// <see cref="WriteCondition.IfAbsent"/> is for puts, invalid_value here); otherwise
    /// precondition_failed, and nothing is written.</summary>
    Task<WriteResult> DeleteAsync(string collection, string id, WriteCondition? condition, CancellationToken cancellation = default);

    /// <summary>Every version of a document up to <paramref name="at"/>, oldest first (empty when it never existed).</summary>
    Task<IReadOnlyList<DocumentVersion>> HistoryAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default);

    /// <summary>Applies the writes <paramref name="build"/> lists as one commit, or none of them. The
    /// builder only collects writes: reads inside a transaction are embedded-only.</summary>
    Task<TransactionResult> TransactAsync(Action<ITransactionBuilder> build, CancellationToken cancellation = default);

    /// <summary>Commits applied after position <paramref name="since"/>, in position order. With
    /// <paramref name="follow"/>, keeps waiting for new commits until cancelled (or the database is dropped).</summary>
    IAsyncEnumerable<Change> ChangesAsync(long since = 0, bool follow = false, CancellationToken cancellation = default);

    /// <summary>One page of documents matching <paramref name="query"/> (docs/queries.md); follow
    /// <see cref="Queries.QueryResult.Next"/> with <see cref="Queries.Query.After"/> for the next page.</summary>
    Task<Queries.QueryResult> QueryAsync(Queries.Query query, CancellationToken cancellation = default);

    /// <summary>As <see cref="QueryAsync(Queries.Query, CancellationToken)"/>; with <paramref name="explain"/>,
    /// the result's <see cref="Queries.QueryResult.Plan"/> says how it ran (index, ranges, rows, fallback).</summary>
    Task<Queries.QueryResult> QueryAsync(Queries.Query query, bool explain, CancellationToken cancellation = default);

    /// <summary>How many documents match the query's filter at its read point (its limit, order and
    /// cursor play no part), and the position they were counted at.</summary>
    Task<Queries.QueryCount> CountAsync(Queries.Query query, CancellationToken cancellation = default);

    /// <summary>Subscribes to <paramref name="query"/> (docs/queries.md, Live queries): without
    /// <paramref name="since"/>, first a <see cref="Queries.LiveQueryEventKind.Snapshot"/> of its result
    /// (up to its limit; a live query has no pages), then one <see cref="Queries.LiveQueryEventKind.Delta"/>
    /// per commit that changes the result, in commit order, until cancelled. With <paramref name="since"/>
    /// (the position of the last event received), no snapshot: the deltas of the commits after it, none
    /// missed or repeated. A subscriber that falls too far behind is cut off with
    /// <see cref="Errors.SubscriberTooSlowException"/> (subscriber_too_slow).</summary>
    IAsyncEnumerable<Queries.LiveQueryEvent> LiveQueryAsync(Queries.Query query, long? since = null, CancellationToken cancellation = default);

    /// <summary>Documents, commits, position, heads and clock.</summary>
    Task<DatabaseInfo> InfoAsync(CancellationToken cancellation = default);

    /// <summary>Walks the whole ledger and checks every hash, signature, sequence and parent.</summary>
    Task<VerifyReport> VerifyAsync(CancellationToken cancellation = default);

    /// <summary>Sets the schema (docs/invariants.md): answers the analysis and the stored documents
    /// that break it; a constraint that cannot be guaranteed is refused (schema_violation).</summary>
    Task<SchemaInfo> SetSchemaAsync(Schemas.Schema schema, CancellationToken cancellation = default);

    /// <summary>The schema in force, its analysis and the stored documents that break it.</summary>
    Task<SchemaInfo> GetSchemaAsync(CancellationToken cancellation = default);

    /// <summary>Defines (or replaces) a stored function (docs/functions.md): it is a document of the
    /// database's <c>_functions</c> collection, so it versions and replicates like data. Its role must lie
    /// within the definer's authority (forbidden otherwise).</summary>
    Task<Functions.FunctionInfo> DefineFunctionAsync(Functions.FunctionDefinition definition, CancellationToken cancellation = default);

    /// <summary>A stored function as defined now, or null when there is none of that name.</summary>
    Task<Functions.FunctionInfo?> GetFunctionAsync(string name, CancellationToken cancellation = default);

    /// <summary>Every stored function of the database, by name.</summary>
    Task<IReadOnlyList<Functions.FunctionInfo>> ListFunctionsAsync(CancellationToken cancellation = default);

    /// <summary>Deletes a stored function (not_found when there is none).</summary>
    Task<WriteResult> DeleteFunctionAsync(string name, CancellationToken cancellation = default);

    /// <summary>Calls a stored function with <paramref name="argument"/>: it runs in a sandbox inside one
    /// transaction on the replica that is called, and all its writes become one commit, or none. A
    /// script that throws is function_error, one past a limit function_timeout or function_limit, one
    /// that calls <c>abort</c> function_aborted; nothing is written then.</summary>
    Task<Functions.CallResult> CallAsync(string name, Value argument, Functions.CallOptions? options = null, CancellationToken cancellation = default);

    /// <summary>On the home replica: hands <paramref name="replica"/> in advance the values of the unique
    /// tuple <paramref name="fields"/> of <paramref name="collection"/> whose hash starts with one of
    /// <paramref name="shards"/> (hex digits and ranges, "0-7"), so it gives them out without asking.</summary>
    Task<WriteResult> HandOutValueRangeAsync(string collection, IReadOnlyList<string> fields, string shards, string replica, CancellationToken cancellation = default);
}

/// <summary>The writes of a transaction made with <see cref="IDocumentDatabase.TransactAsync"/>: the
/// same operations as the HTTP transaction endpoint (put, create, update, delete).</summary>
public interface ITransactionBuilder
{
    void Put(string collection, string id, Value document);

    /// <summary>Creates a document with a generated id; the ids come back, in order, in
    /// <see cref="TransactionResult.Created"/>. Give the id yourself with <see cref="Put"/> when
    /// another write of the same transaction has to refer to it.</summary>
    void Create(string collection, Value document);

    void Patch(string collection, string id, params IEnumerable<FieldOp> ops);

    void Delete(string collection, string id);
}

/// <summary>What a transaction answers: its commit and position, and the ids it generated for
/// <see cref="ITransactionBuilder.Create"/>, in order.</summary>
public sealed record TransactionResult(WriteResult Result, IReadOnlyList<string> Created)
{
    public Encoding.Cid Commit => Result.Commit;
    public long Position => Result.Position;
}

/// <summary>Conveniences over <see cref="IDocumentDatabase"/> that work the same on every implementation.</summary>
public static class DocumentDatabaseExtensions
{
    /// <summary>Calls a stored function with an argument System.Text.Json can serialize (a <see cref="Value"/>
    /// is sent as it is; a string is a JSON string, not JSON text), and reads its result as
    /// <typeparamref name="T"/> (through its JSON form). Both ways use web defaults, so a C# record's
    /// <c>Item</c> is the script's <c>item</c>.</summary>
    public static async Task<Functions.CallResult<T>> CallAsync<T>(this IDocumentDatabase database, string name, object? argument, Functions.CallOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var value = argument as Value ?? ValueJson.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(argument, CallJson.Options));
        var call = await database.CallAsync(name, value, options, cancellation).ConfigureAwait(false);
        var result = System.Text.Json.JsonSerializer.Deserialize<T>(ValueJson.ToJsonString(call.Result, typed: false), CallJson.Options)!;
        return new Functions.CallResult<T>(result, call.Commit, call.Position, call.Replayed);
    }

    /// <summary>Creates or replaces a document from JSON text.</summary>
    public static Task<WriteResult> PutJsonAsync(this IDocumentDatabase database, string collection, string id, string json, CancellationToken cancellation = default)
        => database.PutAsync(collection, id, ValueJson.Parse(json), cancellation);

    /// <summary>Creates or replaces a document from any object System.Text.Json can serialize (including JsonNode and JsonElement).</summary>
    public static Task<WriteResult> PutAsync<T>(this IDocumentDatabase database, string collection, string id, T document, CancellationToken cancellation = default)
        => database.PutAsync(collection, id, ValueJson.From(document), cancellation);

    /// <summary>As <see cref="IDocumentDatabase.PutAsync(string, string, Value, WriteCondition, CancellationToken)"/>, from any object System.Text.Json can serialize.</summary>
    public static Task<WriteResult> PutAsync<T>(this IDocumentDatabase database, string collection, string id, T document, WriteCondition? condition, CancellationToken cancellation = default)
        => database.PutAsync(collection, id, ValueJson.From(document), condition, cancellation);
}

/// <summary>How <see cref="DocumentDatabaseExtensions.CallAsync{T}"/> reads results: web defaults (camelCase, case-insensitive).</summary>
internal static class CallJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);
}
