using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Client;

/// <summary>A database on a Causeway server, through its HTTP API: the same
/// <see cref="IDocumentDatabase"/> as the embedded <see cref="Causeway.Database"/>, with the same
/// exceptions and codes. Get one from <see cref="CausewayClient.Database"/>.</summary>
/// <remarks>Names are checked here before anything is sent, with the engine's own rules and
/// messages, so a bad name fails the same way on both sides and never reaches a URL.</remarks>
public sealed class RemoteDatabase : IDocumentDatabase
{
    private readonly CausewayClient _client;
    private readonly string _path;

    internal RemoteDatabase(CausewayClient client, string name)
    {
        _client = client;
        Name = name;
        _path = $"v1/dbs/{name}";
    }

    public string Name { get; }

    public CausewayClient Client => _client;

    // ---- writes ----

    public Task<WriteResult> PutAsync(string collection, string id, Value document, CancellationToken cancellation = default)
        => PutAsync(collection, id, document, null, cancellation);

    /// <summary>Sends the condition as <c>If-Match</c> or <c>If-None-Match: *</c>; the server's 412 is
    /// <see cref="PreconditionFailedException"/>, as embedded.</summary>
    public Task<WriteResult> PutAsync(string collection, string id, Value document, WriteCondition? condition, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _client.SendAsync(HttpMethod.Put, DocumentPath(collection, id), w => RequestJson.WriteValue(w, document), WriteResultJson.Read, cancellation, condition?.ToHeader());
    }

    public Task<(string Id, WriteResult Result)> CreateAsync(string collection, Value document, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _client.SendAsync(HttpMethod.Post, $"{_path}/docs/{Names.Collection(collection)}", w => RequestJson.WriteValue(w, document),
            WriteResultJson.ReadCreated, cancellation);
    }

    public Task<WriteResult> PatchAsync(string collection, string id, params IEnumerable<FieldOp> ops) => PatchAsync(collection, id, ops, CancellationToken.None);

    public Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, CancellationToken cancellation)
        => PatchAsync(collection, id, ops, null, cancellation);

    public Task<WriteResult> PatchAsync(string collection, string id, WriteCondition? condition, params IEnumerable<FieldOp> ops)
        => PatchAsync(collection, id, ops, condition, CancellationToken.None);

    /// <summary>Sends the condition as <c>If-Match</c>.</summary>
    public Task<WriteResult> PatchAsync(string collection, string id, IEnumerable<FieldOp> ops, WriteCondition? condition, CancellationToken cancellation = default)
    {
        var list = CheckOps(ops);
        var header = WriteCondition.OfExisting(condition)?.ToHeader();
        return _client.SendAsync(HttpMethod.Patch, DocumentPath(collection, id), w =>
        {
            w.WriteStartObject();
            RequestJson.WriteFieldOps(w, list);
            w.WriteEndObject();
        }, WriteResultJson.Read, cancellation, header);
    }

    public Task<WriteResult> DeleteAsync(string collection, string id, CancellationToken cancellation = default)
        => DeleteAsync(collection, id, null, cancellation);

    /// <summary>Sends the condition as <c>If-Match</c>.</summary>
    public Task<WriteResult> DeleteAsync(string collection, string id, WriteCondition? condition, CancellationToken cancellation = default)
    {
        string path = DocumentPath(collection, id);
        var header = WriteCondition.OfExisting(condition)?.ToHeader();
        return _client.SendAsync(HttpMethod.Delete, path, null, WriteResultJson.Read, cancellation, header);
    }

    /// <summary>Sends the writes <paramref name="build"/> lists to <c>POST /v1/dbs/{db}/tx</c> in one request;
    /// the server applies them as one commit or not at all. Names and patches are checked as they are
    /// listed, the rest (a patch of a missing document, a type mismatch) when the server applies them.</summary>
    public async Task<TransactionResult> TransactAsync(Action<ITransactionBuilder> build, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        var tx = new RemoteTransaction();
        build(tx);
        var ops = tx.Close();
        if (ops.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A transaction with no operations makes no commit.");
        return await _client.SendAsync(HttpMethod.Post, $"{_path}/tx", w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("ops");
            foreach (var op in ops) op(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }, TransactionResultJson.Read, cancellation).ConfigureAwait(false);
    }

    // ---- reads ----

    public Task<Queries.QueryResult> QueryAsync(Queries.Query query, CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Post, $"v1/dbs/{Name}/query", query.WriteJson, QueryResultJson.Read, cancellation);

    public Task<Queries.QueryResult> QueryAsync(Queries.Query query, bool explain, CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Post, $"v1/dbs/{Name}/query{(explain ? "?explain=true" : "")}", query.WriteJson, QueryResultJson.Read, cancellation);

    public Task<Queries.QueryCount> CountAsync(Queries.Query query, CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Post, $"v1/dbs/{Name}/query?count=true", query.WriteJson, QueryCountJson.Read, cancellation);

    /// <summary>Reads the server-sent events of <c>POST /v1/dbs/{db}/query?live=true</c> (docs/api.md, Live
    /// queries). If the stream breaks, or the server stops, it subscribes again from the position of the
    /// last event it yielded (no snapshot then, and no event missed or repeated); it ends when the
    /// database is dropped, as the embedded subscription does. An <c>error</c> event is thrown as the
    /// engine's exception for its code (subscriber_too_slow, …); bad input is thrown at the first
    /// <c>MoveNextAsync</c>, when the request is made.</summary>
    public IAsyncEnumerable<Queries.LiveQueryEvent> LiveQueryAsync(Queries.Query query, long? since = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return LiveAsync(query, since, cancellation);
    }

    public async Task<Document?> GetAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
    {
        string path = DocumentPath(collection, id) + AtQuery(at);
        try
        {
            return await _client.SendAsync(HttpMethod.Get, path, null, DocumentJson.Read, cancellation).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            // 404 says "no such document" and "no such database" alike: the embedded database answers
            // null for the first and throws for the second, so ask which one it was.
            await InfoAsync(cancellation).ConfigureAwait(false);
            return null;
        }
    }

    public Task<IReadOnlyList<DocumentVersion>> HistoryAsync(string collection, string id, ReadPoint? at = null, CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Get, DocumentPath(collection, id) + "/history" + AtQuery(at), null, DocumentHistoryJson.Read, cancellation);

    /// <summary>Commits after <paramref name="since"/>. Without <paramref name="follow"/>, pages through
    /// <c>?since=&amp;limit=</c> (<see cref="CausewayClient.ChangesPageSize"/> at a time) until a page comes back
    /// short. With it, reads the server-sent events of <c>feed=sse</c> as they arrive; if the stream
    /// breaks it reconnects from the last change it yielded, and it ends when the database is dropped,
    /// as the embedded feed does.</summary>
    public IAsyncEnumerable<Change> ChangesAsync(long since = 0, bool follow = false, CancellationToken cancellation = default)
        => follow ? FollowAsync(since, cancellation) : PollAsync(since, cancellation);

    public Task<DatabaseInfo> InfoAsync(CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Get, _path, null, DatabaseInfoJson.Read, cancellation);

    public Task<VerifyReport> VerifyAsync(CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Get, $"{_path}/verify", null, VerifyReportJson.Read, cancellation);

    /// <summary><c>PUT /v1/dbs/{db}/functions/{name}</c> (docs/api.md, Functions).</summary>
    public Task<Functions.FunctionInfo> DefineFunctionAsync(Functions.FunctionDefinition definition, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _client.SendAsync(HttpMethod.Put, FunctionPath(definition.Name), w => FunctionJson.WriteDefinition(w, definition), FunctionJson.Read, cancellation);
    }

    /// <summary><c>GET /v1/dbs/{db}/functions/{name}</c>; null when the database has no such function.</summary>
    public async Task<Functions.FunctionInfo?> GetFunctionAsync(string name, CancellationToken cancellation = default)
    {
        try
        {
            return await _client.SendAsync(HttpMethod.Get, FunctionPath(name), null, FunctionJson.Read, cancellation).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            await InfoAsync(cancellation).ConfigureAwait(false);   // throws when the database itself is missing
            return null;
        }
    }

    public Task<IReadOnlyList<Functions.FunctionInfo>> ListFunctionsAsync(CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Get, $"{_path}/functions", null, FunctionJson.ReadList, cancellation);

    public Task<WriteResult> DeleteFunctionAsync(string name, CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Delete, FunctionPath(name), null, WriteResultJson.Read, cancellation);

    /// <summary><c>POST /v1/dbs/{db}/functions/{name}/call</c> with the argument as the body and the
    /// idempotency key, if any, as <c>Idempotency-Key</c>. <see cref="Functions.CallOptions.Caller"/> is not
    /// sent: the server records the caller it authenticated.</summary>
    public Task<Functions.CallResult> CallAsync(string name, Value argument, Functions.CallOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(argument);
        (string, string)? header = options?.IdempotencyKey is { } key ? ("Idempotency-Key", key) : null;
        return _client.SendAsync(HttpMethod.Post, FunctionPath(name) + "/call", w => ValueJson.Write(w, argument), CallResultJson.Read, cancellation, header);
    }

    private string FunctionPath(string name) => $"{_path}/functions/{Uri.EscapeDataString(Functions.FunctionDefinition.CheckName(name))}";

    public Task<SchemaInfo> SetSchemaAsync(Schemas.Schema schema, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return _client.SendAsync(HttpMethod.Put, $"{_path}/schema", w => Schemas.SchemaJson.Write(w, schema), SchemaInfoJson.Read, cancellation);
    }

    public Task<SchemaInfo> GetSchemaAsync(CancellationToken cancellation = default)
        => _client.SendAsync(HttpMethod.Get, $"{_path}/schema", null, SchemaInfoJson.Read, cancellation);

    public Task<WriteResult> HandOutValueRangeAsync(string collection, IReadOnlyList<string> fields, string shards, string replica, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return _client.SendAsync(HttpMethod.Post, $"{_path}/reservations", w =>
        {
            w.WriteStartObject();
            w.WriteString("collection", collection);
            w.WriteStartArray("fields");
            foreach (var field in fields) w.WriteStringValue(field);
            w.WriteEndArray();
            w.WriteString("ranges", shards);
            w.WriteString("replica", replica);
            w.WriteEndObject();
        }, WriteResultJson.Read, cancellation);
    }

    public override string ToString() => $"{Name} at {_client.BaseAddress}";

    // ---- changes ----

    private async IAsyncEnumerable<Change> PollAsync(long since, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            int limit = _client.ChangesPageSize;
            var page = await _client.SendAsync(HttpMethod.Get, ChangesPath(since) + $"&limit={limit}", null, ChangesPageJson.Read, cancellation).ConfigureAwait(false);
            foreach (var change in page.Changes) yield return change;
            if (page.Changes.Count < limit) yield break;
            since = page.Last;
        }
    }

    private async IAsyncEnumerable<Change> FollowAsync(long since, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            bool received = false;
            await foreach (var item in EventsAsync(HttpMethod.Get, ChangesPath(since) + "&feed=sse", null, cancellation).ConfigureAwait(false))
            {
                if (item.EventType != ChangeJson.EventName) continue;
                var change = CausewayClient.Read(System.Text.Encoding.UTF8.GetBytes(item.Data), ChangeJson.Read, $"GET /{_path}/changes?feed=sse");
                received = true;
                since = change.Position;
                yield return change;
            }
            cancellation.ThrowIfCancellationRequested();
            // The server ends the stream when the database is dropped (the embedded feed ends then too);
            // anything else is a broken connection, and the feed picks up where it was.
            if (!await ExistsAsync(cancellation).ConfigureAwait(false)) yield break;
            if (!received) await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<Queries.LiveQueryEvent> LiveAsync(Queries.Query query, long? since, [EnumeratorCancellation] CancellationToken cancellation)
    {
        string what = $"POST /{_path}/query?live=true";
        while (true)
        {
            bool received = false, stopped = false;
            string path = $"{_path}/query?live=true" + (since is { } position ? $"&since={position.ToString(CultureInfo.InvariantCulture)}" : "");
            await foreach (var item in EventsAsync(HttpMethod.Post, path, query.WriteJson, cancellation).ConfigureAwait(false))
            {
                var data = System.Text.Encoding.UTF8.GetBytes(item.Data);
                if (item.EventType == LiveQueryEventJson.ErrorEvent)
                {
                    var error = CausewayClient.Read(data, ApiProblemJson.Read, what).ToException();
                    if (error is not UnavailableException) throw error;
                    stopped = true; // the server is stopping: subscribe again below
                    break;
                }
                if (item.EventType is not (LiveQueryEventJson.SnapshotEvent or LiveQueryEventJson.DeltaEvent)) continue;
                var live = CausewayClient.Read(data, LiveQueryEventJson.Read, what);
                received = true;
                since = live.Position;
                yield return live;
            }
            cancellation.ThrowIfCancellationRequested();
            // The server ends the stream when the database is dropped (the embedded subscription ends then
            // too); anything else is a broken connection, and the subscription picks up where it was.
            if (!stopped && !await ExistsAsync(cancellation).ConfigureAwait(false)) yield break;
            if (!received || stopped) await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The server-sent events of one request, until the server ends the stream or the connection drops.</summary>
    private async IAsyncEnumerable<SseItem<string>> EventsAsync(HttpMethod method, string path, Action<System.Text.Json.Utf8JsonWriter>? body, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var response = await _client.SendRawAsync(method, path, body, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        var events = SseParser.Create(stream).EnumerateAsync(cancellation).GetAsyncEnumerator(cancellation);
        try
        {
            while (true)
            {
                SseItem<string> item;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false)) yield break;
                    item = events.Current;
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !cancellation.IsCancellationRequested)
                {
                    yield break; // the connection dropped: the caller subscribes again
                }
                yield return item;
            }
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> ExistsAsync(CancellationToken cancellation)
    {
        try
        {
            await InfoAsync(cancellation).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    private string ChangesPath(long since) => since >= 0
        ? $"{_path}/changes?since={since.ToString(CultureInfo.InvariantCulture)}"
        : throw new InvalidInputException(ErrorCodes.InvalidCursor, "'since' is a position ≥ 0."); // the engine's words; the server's differ

    // ---- helpers ----

    /// <summary>Valid names are safe in a URL path as they are (the engine refuses the ids "." and "..").</summary>
    private string DocumentPath(string collection, string id) => $"{_path}/docs/{Names.Collection(collection)}/{Names.DocumentId(id)}";

    private static string AtQuery(ReadPoint? at) => at?.ToQueryString() is { } text ? "?at=" + Uri.EscapeDataString(text) : "";

    private static FieldOp[] CheckOps(IEnumerable<FieldOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var list = ops.ToArray();
        if (list.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidOp, "A patch needs at least one field operation.");
        foreach (var op in list) ArgumentNullException.ThrowIfNull(op, nameof(ops));
        return list;
    }

    /// <summary>Collects TX-OPs of docs/api.md; checks names and patches as they are listed, as the embedded transaction does.</summary>
    private sealed class RemoteTransaction : ITransactionBuilder
    {
        private readonly List<Action<Utf8JsonWriter>> _ops = [];
        private bool _closed;

        public void Put(string collection, string id, Value document)
        {
            ArgumentNullException.ThrowIfNull(document);
            Add(collection, id);
            _ops.Add(w =>
            {
                w.WriteStartObject();
                w.WriteString("op", "put");
                w.WriteString("collection", collection);
                w.WriteString("id", id);
                w.WritePropertyName("doc");
                RequestJson.WriteValue(w, document);
                w.WriteEndObject();
            });
        }

        public void Create(string collection, Value document)
        {
            ArgumentNullException.ThrowIfNull(document);
            Add(collection, null);
            _ops.Add(w =>
            {
                w.WriteStartObject();
                w.WriteString("op", "create");
                w.WriteString("collection", collection);
                w.WritePropertyName("doc");
                RequestJson.WriteValue(w, document);
                w.WriteEndObject();
            });
        }

        public void Patch(string collection, string id, params IEnumerable<FieldOp> ops)
        {
            var list = CheckOps(ops);
            Add(collection, id);
            _ops.Add(w =>
            {
                w.WriteStartObject();
                w.WriteString("op", "update");
                w.WriteString("collection", collection);
                w.WriteString("id", id);
                RequestJson.WriteFieldOps(w, list);
                w.WriteEndObject();
            });
        }

        public void Delete(string collection, string id)
        {
            Add(collection, id);
            _ops.Add(w =>
            {
                w.WriteStartObject();
                w.WriteString("op", "delete");
                w.WriteString("collection", collection);
                w.WriteString("id", id);
                w.WriteEndObject();
            });
        }

        public List<Action<Utf8JsonWriter>> Close()
        {
            _closed = true;
            return _ops;
        }

        private void Add(string collection, string? id)
        {
            if (_closed) throw new InvalidOperationException("This transaction has already been committed or abandoned.");
            Names.Collection(collection);
            if (id is not null) Names.DocumentId(id);
        }
    }
}
