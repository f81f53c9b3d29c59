using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Invariants;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Functions;

/// <summary>A database's stored functions (docs/functions.md): defined as documents of <c>_functions</c>,
/// called in a sandbox inside one transaction on this replica, each call that writes recorded in its
/// own commit (<c>_calls</c>), which makes calls idempotent by key and reproducible from their record.
/// The limits are this replica's, per database.</summary>
public sealed class StoredFunctions
{
    private const string LimitsRecord = "function-limits";
    private readonly StoredDatabase _db;
    private readonly IIdSource _ids;
    private readonly RightsRetry _retry;
    private readonly Action _admitWrite;
    private readonly Func<long> _clock;
    private readonly Func<string> _newCallId;
    private readonly ScriptCache _scripts;
    private FunctionLimits? _limits;
    /// <summary>Each function's definition as last read, with the version of its document it was read from.</summary>
    private readonly ConcurrentDictionary<string, (long Position, Cid Commit, FunctionInfo Info)> _definitions = new(StringComparer.Ordinal);

    internal StoredFunctions(StoredDatabase db, IIdSource ids, RightsRetry retry, Action admitWrite, Func<long> clock, Func<string> newCallId, ScriptCache scripts)
    {
        _db = db;
        _ids = ids;
        _retry = retry;
        _admitWrite = admitWrite;
        _clock = clock;
        _newCallId = newCallId;
        _scripts = scripts;
    }

    /// <summary>This replica's limits on the database's calls (<see cref="FunctionLimits.Default"/> until set).</summary>
    public FunctionLimits Limits => _limits ??= _db.LocalRecord(LimitsRecord) is { } stored
        ? Wire.FunctionLimitsJson.Read(JsonDocument.Parse(stored).RootElement)
        : FunctionLimits.Default;

    /// <summary>Sets this replica's limits on the database's calls, durably (never replicated).</summary>
    public async Task<FunctionLimits> SetLimitsAsync(FunctionLimits limits, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Checked();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Wire.FunctionLimitsJson.Write(w, limits);
        await _db.PutLocalAsync(LimitsRecord, buffer.ToArray(), () => _limits = limits, cancellation).ConfigureAwait(false);
        return limits;
    }

    /// <summary>Defines or replaces a function, recording <paramref name="definer"/> (a DID or a token's
    /// name; this replica's DID when null). The source must compile and give a function. On an owned
    /// database the commit needs <c>/fn/define</c> on the function and every grant of its role within
    /// the committing replica's authority; a host checks its caller's the same way first.</summary>
    public async Task<FunctionInfo> DefineAsync(FunctionDefinition definition, string? definer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _db.CheckOpen();
        FunctionSandbox.Check(definition.Name, definition.Source, _scripts, Limits);
        _admitWrite();
        string who = definer ?? _db.ReplicaDid;
        var result = await _db.CommitSystemAsync(SystemCollections.Functions, definition.Name, new DocumentIntent.Put(definition.ToDocument(who)), cancellation).ConfigureAwait(false);
        return new FunctionInfo(definition, who, result.Commit, result.Position);
    }

    /// <summary>The function as of the latest position, or null.</summary>
    public FunctionInfo? Get(string name)
    {
        FunctionDefinition.CheckName(name);
        _db.CheckOpen();
        return Read(name, _db.Position);
    }

    /// <summary>Every function, by name.</summary>
    public IReadOnlyList<FunctionInfo> List()
    {
        _db.CheckOpen();
        long position = _db.Position;
        return [.. _db.DocumentsAt(SystemCollections.Functions, position).Select(Info).OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    /// <summary>Deletes a function (not_found when there is none).</summary>
    public Task<WriteResult> DeleteAsync(string name, CancellationToken cancellation = default)
    {
        FunctionDefinition.CheckName(name);
        _db.CheckOpen();
        if (Read(name, _db.Position) is null) throw new NotFoundException($"Function '{name}' does not exist in database '{_db.Name}'.");
        _admitWrite();
        return _db.CommitSystemAsync(SystemCollections.Functions, name, new DocumentIntent.Delete(), cancellation);
    }

    /// <summary>Calls a function (see <see cref="IDocumentDatabase.CallAsync"/>).</summary>
    public async Task<CallResult> CallAsync(string name, Value argument, CallOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(argument);
        FunctionDefinition.CheckName(name);
        _db.CheckOpen();
        string? key = options?.IdempotencyKey;
        if (key is not null) CheckKey(key);
        var info = Read(name, _db.Position) ?? throw new NotFoundException($"Function '{name}' does not exist in database '{_db.Name}'.");
        info.Definition.Arguments?.Check(name, argument);
        string caller = options?.Caller ?? _db.ReplicaDid;
        var recorded = key is null ? null : _db.ReadDocument(SystemCollections.Calls, key, _db.Position);
        if (key is not null && Replay(key, recorded, name, argument) is { } earlier) return earlier;
        // The record is written if still absent, or over the expired one read here: a call with the
        // same key that commits first makes this one's commit fail, and it answers as a retry.
        var recordCondition = recorded is { Commit: { } expired } ? WriteCondition.IfVersion(expired) : WriteCondition.IfAbsent;

        _admitWrite();
        var limits = Limits;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(_clock());
        long seed = Seed(info, argument, caller, now, key);
        var script = _scripts.Get(info.Definition.Source);

        (Transaction Tx, Value Result) Run()
        {
            var tx = new Transaction(_db, _ids, _db.Position);
            var scope = new FunctionScope(_db, tx, info.Definition);
            var result = FunctionSandbox.Run(name, script, argument, limits, new CallClock(now, seed), scope.Install, cancellation);
            return (tx, result);
        }

        var first = Run();
        if (first.Tx.IsEmpty && key is null) return new CallResult(first.Result, null, first.Tx.Snapshot);

        var attempt = first;
        bool rerun = false;
        try
        {
            var written = await _retry.CommitAsync(() =>
            {
                if (rerun) attempt = Run();
                rerun = true;
                var call = new CallRecord(name, caller, argument, attempt.Result, now, seed, now + limits.IdempotencyRetention, key is not null);
                string id = key ?? _newCallId();
                // The record goes straight into the commit, which applies it under its condition: it is
                // the engine's own write to a collection no role reaches, so the transaction's early
                // trial of it (a read of a document that is not there, and the record applied to a copy)
                // would only repeat the commit's work.
                var record = new DocumentWrites(SystemCollections.Calls, id, [new DocumentIntent.Put(call.ToDocument())], recordCondition);
                return Task.FromResult<IReadOnlyList<DocumentWrites>>([.. attempt.Tx.Close(), record]);
            }, cancellation).ConfigureAwait(false);
            return new CallResult(attempt.Result, written.Commit, written.Position);
        }
        catch (PreconditionFailedException) when (key is not null)
        {
            // Another call with the same key committed first: answer as its retry.
            return Replay(key, _db.ReadDocument(SystemCollections.Calls, key, _db.Position), name, argument) ?? throw new PreconditionFailedException($"A call with idempotency key '{key}' is being recorded at the same time; try again.");
        }
    }

    /// <summary>The earlier call's answer when <paramref name="version"/>, the record of <paramref name="key"/>,
    /// is unexpired; throws idempotency_conflict when it is of another function or argument.</summary>
    private CallResult? Replay(string key, Document? version, string name, Value argument)
    {
        if (version is null || CallRecord.FromDocument(version.Fields) is not { Keyed: true } record) return null;
        if (record.Expires <= DateTimeOffset.FromUnixTimeMilliseconds(_clock())) return null;
        if (record.Function != name || record.Argument != argument)
            throw new IdempotencyConflictException($"Idempotency key '{key}' was used for a call of '{record.Function}' with another argument; use a new key for a new call.");
        return new CallResult(record.Result, version.Commit, version.Position, Replayed: true);
    }

    private static void CheckKey(string key)
    {
        try
        {
            Names.DocumentId(key);
        }
        catch (InvalidInputException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Names.Clip(key)}' is not an idempotency key: use 1 to 256 letters, digits, '_', '.', ':', '@' or '-'.");
        }
    }

    /// <summary>The function as of <paramref name="position"/>. A definition is parsed once per version
    /// of its document, not on every call.</summary>
    private FunctionInfo? Read(string name, long position)
    {
        var version = _db.ReadVersion(SystemCollections.Functions, name, position);
        if (version is null || !_db.Visible(SystemCollections.Functions, version, position))
        {
            _definitions.TryRemove(name, out _);
            return null;
        }
        if (_definitions.TryGetValue(name, out var known) && known.Position == version.Position && known.Commit == version.Commit) return known.Info;
        var info = Info(_db.ToDocument(SystemCollections.Functions, name, version.Value, version));
        _definitions[name] = (version.Position, version.Commit, info);
        return info;
    }

    private static FunctionInfo Info(Document document)
    {
        var (definition, definer) = FunctionDefinition.FromDocument(document.Id, document.Fields);
        return new FunctionInfo(definition, definer, document.Commit!.Value, document.Position);
    }

    /// <summary>The call's random seed: a hash of everything that makes it this call, so it is the
    /// same only for the same call.</summary>
    private long Seed(FunctionInfo info, Value argument, string caller, DateTimeOffset now, string? key)
    {
        string text = string.Join('\n', _db.Name, info.Name, info.Commit.ToString(), ValueJson.ToJsonString(argument), caller, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), key ?? "");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }
}
