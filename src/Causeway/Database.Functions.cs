using Causeway.Functions;
using Causeway.Values;

namespace Causeway;

public sealed partial class Database
{
    private StoredFunctions? _functions;

    /// <summary>The database's stored functions: define, call, list, delete, and this replica's limits on calls (docs/functions.md).</summary>
    public StoredFunctions Functions => LazyInitializer.EnsureInitialized(ref _functions, () => new StoredFunctions(Stored, _ids, _retry, Quotas.AdmitWrite,
        Replica.Options.PhysicalClock, () => Replica.Uuids.Next(), Replica.Scripts));

    public Task<FunctionInfo> DefineFunctionAsync(FunctionDefinition definition, CancellationToken cancellation = default) => Functions.DefineAsync(definition, null, cancellation);

    public Task<FunctionInfo?> GetFunctionAsync(string name, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(Functions.Get(name));
    }

    public Task<IReadOnlyList<FunctionInfo>> ListFunctionsAsync(CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return Task.FromResult(Functions.List());
    }

    public Task<WriteResult> DeleteFunctionAsync(string name, CancellationToken cancellation = default) => Functions.DeleteAsync(name, cancellation);

    public Task<CallResult> CallAsync(string name, Value argument, CallOptions? options = null, CancellationToken cancellation = default) => Functions.CallAsync(name, argument, options, cancellation);
}
