using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Simulator;

/// <summary>How a forged commit of the intruder reaches outside its delegation.</summary>
public enum Forgery
{
    /// <summary>Changes another replica's document (outside its id prefix), naming its real chain.</summary>
    OtherReplicasDocument,

    /// <summary>Carries no capability at all.</summary>
    NoCapability,

    /// <summary>Names a chain it made up: a delegation it issued to itself about the owner.</summary>
    MadeUpChain,

    /// <summary>Names another replica's delegation, which it saw on the wire.</summary>
    StolenChain,

    /// <summary>Names its real chain but claims a command (<c>/doc/read</c>) that does not cover a write.</summary>
    ReadCommand,
}

/// <summary>A commit the intruder signed outside its delegation.</summary>
public sealed record ForgedCommit(Cid Commit, Forgery Kind, string What);

/// <summary>What the intruder did in an owned run: writes its delegation allows, forged commits, and
/// sessions that honest replicas ended on them with invalid_commit.</summary>
public sealed record IntruderCounts(int Legit, int Forged, long Refusals, long RevocationRefusals = 0)
{
    public override string ToString() => $"the intruder made {Legit} allowed writes and {Forged} forged commits; honest replicas ended {Refusals} sessions on them";
}

/// <summary>The malicious replica of an owned run (<see cref="SimulationOptions.Owned"/>). It holds a
/// delegation like every other non-owner (its own id prefix in <c>docs</c>, any other collection), but
/// its program skips the local capability check (<c>ReplicaOptions.TestOnlyForgeCapability</c>): it
/// makes ordinary writes through the API, some inside its delegation and some forged (another
/// replica's document, no capability, a made-up or stolen chain, a command that does not cover the
/// write), and its sessions send them to every peer like any commit. <see cref="CheckAsync"/> is the
/// check that no honest replica holds a change it was not authorized for.</summary>
public sealed class Intruder(int index, string did, Random random, Action<string>? trace)
{
    /// <summary>The collection whose documents are scoped by id prefix; every other is open to every delegate.</summary>
    public const string ScopedCollection = "docs";

    /// <summary>Percent of the intruder's writes that are forged.</summary>
    public const int ForgePercent = 30;

    private static readonly string[] Ids = ["a", "b", "c", "d"];
    private readonly List<ForgedCommit> _forged = [];
    private Forgery? _forging;

    public int Index { get; } = index;
    public string Did { get; } = did;

    /// <summary>Its real delegation, from the owner.</summary>
    public Delegation Grant { get; set; } = null!;

    /// <summary>A delegation it issued to itself, and one of another replica's.</summary>
    public Delegation MadeUp { get; set; } = null!;
    public Delegation Stolen { get; set; } = null!;

    public IReadOnlyList<ForgedCommit> Forged => _forged;
    public int Legit { get; private set; }
    public long Refusals { get; set; }

    public IntruderCounts Counts => new(Legit, _forged.Count, Refusals, RevocationRefusals);

    /// <summary>Filled in by the simulation: writes an honest delegate's own replica refused after its delegation was revoked.</summary>
    public long RevocationRefusals { get; set; }

    /// <summary>The ids of <see cref="ScopedCollection"/> that replica <paramref name="replica"/> may write.</summary>
    public static string Prefix(int replica) => $"r{replica}-";

    /// <summary>The policy of a non-owner's delegation: database <c>sim</c>; in <c>docs</c> only ids
    /// starting with its prefix, any id in every other collection (the shared ones, the schema's, the
    /// audit trail's and the engine's own).</summary>
    public static Value Policy(string prefix) => Value.Array([
        Statement("==", ".db", Value.String(SimulatedReplica.DatabaseName)),
        Value.Array([Value.String("or"), Value.Array([
            Statement("!=", ".coll", Value.String(ScopedCollection)),
            Statement("like", ".id", Value.String(prefix + "*"))])])]);

    private static Value Statement(string op, string selector, Value operand) => Value.Array([Value.String(op), Value.String(selector), operand]);

    /// <summary>The hook of its program: what each of its commits carries instead of the capability an
    /// honest replica would attach (its chain's proofs and the covering command), unchecked.</summary>
    public CommitCapability? Capability(CommitCapability honest) => _forging switch
    {
        null or Forgery.OtherReplicasDocument => honest,
        Forgery.NoCapability => null,
        Forgery.MadeUpChain => new CommitCapability(honest.Command, [MadeUp.Cid]),
        Forgery.StolenChain => new CommitCapability(honest.Command, [Stolen.Cid]),
        _ => new CommitCapability(Commands.DocRead, honest.Proofs),
    };

    /// <summary>One write on the intruder's replica: forged or not (<paramref name="forge"/>), to one of
    /// its own documents or a shared one, or, forged, to another replica's. <paramref name="fresh"/>
    /// writes a document nobody wrote, so the write always commits. The commit, or null when refused.</summary>
    public async Task<Cid?> WriteAsync(Database db, int replicas, bool forge, bool fresh = false)
    {
        Forgery? forgery = forge ? (Forgery)random.Next(5) : null;
        string collection, id;
        string suffix = fresh ? "fresh" : Ids[random.Next(Ids.Length)];
        if (forgery == Forgery.OtherReplicasDocument)
        {
            int other = random.Next(replicas - 1);
            collection = ScopedCollection;
            id = Prefix(other >= Index ? other + 1 : other) + suffix;
        }
        else
        {
            collection = fresh || random.Next(2) == 0 ? ScopedCollection : "other";
            id = collection == ScopedCollection ? Prefix(Index) + suffix : suffix;
        }
        bool delete = !fresh && await db.GetAsync(collection, id) is not null && random.Next(4) == 0;
        string what = $"{(delete ? "delete" : "put")} {collection}/{id}";
        _forging = forgery;
        try
        {
            var result = delete ? await db.DeleteAsync(collection, id)
                : await db.PutAsync(collection, id, Value.Map([new("intruder", Value.Int(random.Next(100)))]));
            trace?.Invoke($"  intruder {(forgery is { } f ? $"forges ({f})" : "writes")}: {what}");
            if (forgery is { } kind) _forged.Add(new ForgedCommit(result.Commit, kind, what));
            else Legit++;
            return result.Commit;
        }
        catch (CausewayException e) when (e.Code is ErrorCodes.NotFound or ErrorCodes.TypeMismatch)
        {
            trace?.Invoke($"  intruder's {what} refused: {e.Message}");
            return null;
        }
        finally
        {
            _forging = null;
        }
    }

    /// <summary>No honest replica holds a change the intruder was not authorized for: none of its forged
    /// commits, and every commit of its origin there carries its real chain and a command of writing
    /// or deleting documents, and changes only documents its delegation covers.
    /// Judged from the outside (the ledger and the changes feed), not by the engine's own check.</summary>
    public async Task CheckAsync(Database db, string where)
    {
        foreach (var forged in _forged)
            if (db.HasCommit(forged.Commit))
                throw new CheckFailedException(FailureKind.Authority, $"{where} holds the intruder's forged commit {forged.Commit} ({forged.Kind}: {forged.What}).");
        await foreach (var change in db.ChangesAsync(0))
        {
            if (change.Origin != Did) continue;
            var commit = Commit.Decode(db.GetCommitBlock(change.Commit) ?? throw new CheckFailedException(FailureKind.Unexpected, $"{where} lists commit {change.Commit} but holds no block for it"));
            string? wrong = commit.Capability is not { } cap ? "carries no capability"
                : !cap.Proofs.SequenceEqual([Grant.Cid]) ? $"names proofs [{string.Join(", ", cap.Proofs)}], not its delegation {Grant.Cid}"
                : cap.Command is not ("/doc" or Commands.DocWrite or Commands.DocDelete) ? $"claims {cap.Command}"
                : change.Documents.FirstOrDefault(d => d.Collection == ScopedCollection && !d.Id.StartsWith(Prefix(Index), StringComparison.Ordinal)) is { } outside ? $"changes {outside.Collection}/{outside.Id}, outside its prefix {Prefix(Index)}"
                : null;
            if (wrong is not null)
                throw new CheckFailedException(FailureKind.Authority, $"{where} holds the intruder's commit {change.Commit} (position {change.Position}), which {wrong}.");
        }
    }
}
