using Causeway.Encoding;

namespace Causeway.Simulator;

/// <summary>A transaction the workload committed: the audit documents it added its id to, and the
/// ids it saw in the snapshot it read (its causes).</summary>
public sealed record AuditedTransaction(string Id, int Replica, Cid Commit, IReadOnlyList<string> AuditDocuments, IReadOnlyList<string> Causes);

/// <summary>What the simulator knows, outside the database, about every audited transaction. The
/// database holds the other half: the collection <see cref="Collection"/>, never deleted, whose
/// documents carry an add-wins set <see cref="Field"/> of transaction ids, never removed from.</summary>
public sealed class AuditTrail
{
    public const string Collection = "audit";
    public const string Field = "txs";
    public const int Documents = 5;

    private readonly Dictionary<string, AuditedTransaction> _transactions = new(StringComparer.Ordinal);
    private int _next;

    public static string DocumentId(int i) => $"a{i}";

    public IReadOnlyCollection<AuditedTransaction> Transactions => _transactions.Values;

    public string NextId() => $"t{++_next}";

    public void Add(AuditedTransaction transaction) => _transactions.Add(transaction.Id, transaction);

    public AuditedTransaction? Find(string id) => _transactions.GetValueOrDefault(id);
}
