using Causeway.Crdt;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using static Causeway.Simulator.ConstraintSchema;

namespace Causeway.Simulator;

/// <summary>How a write to a constrained collection ended, or should have.</summary>
public enum WriteOutcome { Committed, InsufficientRights, ConstraintViolation, SchemaViolation, ReservationUnavailable, Revoked }

/// <summary>Random writes to the collections of <see cref="ConstraintSchema"/>, each with the outcome
/// the simulator expects from what the writing replica holds: increments and decrements of the
/// bounded counter (refused when the replica lacks the rights, which makes it ask its peers), puts
/// and patches that keep or break the check, children that name visible or invisible parents, and
/// parent deletes (refused while add-wins children name them, cascading to remove-wins ones). A
/// write that ends otherwise than expected, or a refusal that moved the replica, fails the run.</summary>
public sealed class ConstraintWorkload(Random random, ConstraintSchema schema, Action<string>? trace = null)
{
    private readonly Dictionary<WriteOutcome, int> _outcomes = [];

    /// <summary>How many writes ended each way.</summary>
    public int Count(WriteOutcome outcome) => _outcomes.GetValueOrDefault(outcome);

    /// <summary>Writes made, however they ended.</summary>
    public int Writes => _outcomes.Values.Sum();

    /// <summary>Decrements refused for rights (the rest of <see cref="WriteOutcome.InsufficientRights"/> are increments past a max).</summary>
    public int DecrementsRefused { get; private set; }

    /// <summary>One random write on <paramref name="db"/> (which holds the schema); the commit it made, if any.</summary>
    public Task<Cid?> WriteAsync(Database db, int replica) => random.Next(12) switch
    {
        < 5 => CounterAsync(db, replica),
        < 7 => RangeAsync(db, replica),
        < 9 => ChildAsync(db, replica),
        9 => ParentAsync(db, replica),
        10 => HandleAsync(db, replica),
        _ => TicketAsync(db, replica),
    };

    /// <summary>Writes that must ask another replica and wait for its grant: a unique name another
    /// replica holds, a sequence id where the blocks ran out. A step cannot await the network, so such a
    /// write is started and left waiting; <see cref="CollectAsync"/> judges it once it has ended.</summary>
    public sealed record WaitingWrite(int Replica, string What, Task<WriteOutcome> Ending, WriteOutcome[] Allowed);

    private readonly List<WaitingWrite> _waiting = [];

    /// <summary>The writes started and not yet judged.</summary>
    public IReadOnlyList<WaitingWrite> Waiting => _waiting;

    /// <summary>Writes that had to ask and wait, however they ended.</summary>
    public int WritesThatWaited { get; private set; }

    /// <summary>Judges every waiting write that has ended: it must have ended in one of the ways it
    /// may (a grant and a commit, a refusal by the holder, no grant in time).</summary>
    public async Task CollectAsync()
    {
        foreach (var write in _waiting.Where(w => w.Ending.IsCompleted).ToList())
        {
            _waiting.Remove(write);
            var outcome = await write.Ending;
            trace?.Invoke($"  waited {write.What} at {write.Replica}: {outcome}");
            _outcomes[outcome] = Count(outcome) + 1;
            if (!write.Allowed.Contains(outcome))
                throw new CheckFailedException(FailureKind.Refusal, $"replica {write.Replica}: {write.What}, which had to ask, ended {outcome}; only {string.Join(" or ", write.Allowed)} may.");
        }
    }

    /// <summary>Writes still waiting when their replica crashed: they end with it, however they end.</summary>
    public int WritesLostToCrashes { get; private set; }

    /// <summary>The replica crashed: its waiting writes are over (what they do on the closed replica, and
    /// when, no longer matters, and must not decide anything in the run).</summary>
    public void Abandon(int replica)
    {
        foreach (var write in _waiting.Where(w => w.Replica == replica).ToList())
        {
            _waiting.Remove(write);
            WritesLostToCrashes++;
            trace?.Invoke($"  waited {write.What} at {write.Replica}: ended by the crash");
        }
    }

    /// <summary>The writes still waiting on <paramref name="replica"/>.</summary>
    public int WaitingOn(int replica) => _waiting.Count(w => w.Replica == replica && !w.Ending.IsCompleted);

    private void Wait(int replica, string what, Func<Task<WriteResult>> write, WriteOutcome[] allowed, Action<WriteResult>? committed = null)
    {
        WritesThatWaited++;
        trace?.Invoke($"  {what}: asks and waits");
        _waiting.Add(new WaitingWrite(replica, what, EndAsync(), allowed));

        async Task<WriteOutcome> EndAsync()
        {
            try
            {
                var result = await write();
                committed?.Invoke(result);
                return WriteOutcome.Committed;
            }
            catch (ReservationUnavailableException) { return WriteOutcome.ReservationUnavailable; }
            // In an owned run the writer's delegation may be revoked while it waits.
            catch (UcanException e) when (e.Error == UcanError.Revoked) { return WriteOutcome.Revoked; }
            catch (CausewayException e) when (Refusal(e) is { } refused) { return refused; }
        }
    }

    /// <summary>Every sequence id given, and by which replica: none may be given twice.</summary>
    private readonly Dictionary<string, int> _tickets = new(StringComparer.Ordinal);

    /// <summary>Sequence ids given by committed creates.</summary>
    public int TicketsGiven => _tickets.Count;

    // ---- unique values ----

    private async Task<Cid?> HandleAsync(Database db, int replica)
    {
        string id = Pick(HandleIds);
        var current = await db.GetAsync(Handles, id);
        if (current is not null && random.Next(4) == 0)
            return (await AttemptAsync(db, replica, $"delete {Handles}/{id}", WriteOutcome.Committed, () => db.DeleteAsync(Handles, id))).Commit;
        string name = Pick(HandleNames);
        bool keeps = current?.Fields.Get(Name) is { Kind: ValueKind.String } held && held.AsString() == name;
        string reservation = Invariants.UniqueRules.ReservationId(Handles, [Name], [Value.String(name)]);
        if (!keeps && db.Reservations.HolderOf(reservation) != db.Replica.Did)
        {
            // Another replica holds the name: the write asks it and waits. It commits once the name is
            // handed over, or is refused (the holder sees it in use: a duplicate), or gets no grant in time.
            var named = Value.Map([new(Name, Value.String(name))]);
            Wait(replica, $"put {Handles}/{id} {named} (the name is held elsewhere)", () => db.PutAsync(Handles, id, named),
                [WriteOutcome.Committed, WriteOutcome.ConstraintViolation, WriteOutcome.ReservationUnavailable, WriteOutcome.Revoked]);
            return null;
        }
        // Expected from what this replica sees: another visible document with the name makes it a duplicate.
        bool taken = false;
        foreach (var other in HandleIds)
            if (other != id && await db.GetAsync(Handles, other) is { } doc && doc.Fields.Get(Name) is { Kind: ValueKind.String } n && n.AsString() == name) taken = true;
        var document = Value.Map([new(Name, Value.String(name))]);
        return (await AttemptAsync(db, replica, $"put {Handles}/{id} {document}", taken ? WriteOutcome.ConstraintViolation : WriteOutcome.Committed,
            () => db.PutAsync(Handles, id, document))).Commit;
    }

    // ---- sequence ids ----

    private async Task<Cid?> TicketAsync(Database db, int replica)
    {
        string me = db.Replica.Did;
        var state = db.Stored.ReadVersion(Schemas.SystemCollections.Sequences, Tickets, db.Position)?.State;
        if (me != schema.Home && Invariants.SequenceRules.Load(state, me).Remaining == 0)
        {
            // Its blocks are used up: the create asks the home for a block and waits.
            string? waited = null;
            Wait(replica, $"create {Tickets} (no block left)", async () =>
            {
                var (created, result) = await db.CreateAsync(Tickets, Value.Map([new("by", Value.String(me))]));
                waited = created;
                return result;
            }, [WriteOutcome.Committed, WriteOutcome.ReservationUnavailable, WriteOutcome.Revoked], _ => Given(waited!, replica));
            return null;
        }
        string? id = null;
        var (_, commit) = await AttemptAsync(db, replica, $"create {Tickets}", WriteOutcome.Committed, async () =>
        {
            var (created, result) = await db.CreateAsync(Tickets, Value.Map([new("by", Value.String(me))]));
            id = created;
            return result;
        });
        Given(id!, replica);
        return commit;
    }

    private void Given(string id, int replica)
    {
        if (_tickets.TryGetValue(id, out int first))
            throw new CheckFailedException(FailureKind.Unique, $"sequence id {Tickets}/{id} was given twice: by replica {first} and now by replica {replica}.");
        _tickets[id] = replica;
    }

    // ---- the bounded counter ----

    private async Task<Cid?> CounterAsync(Database db, int replica)
    {
        string id = Pick(BoundedIds);
        var counter = CounterOf(db, id, db.Position);
        bool exists = db.Stored.ReadVersion(Bounded, id, db.Position)?.State.Exists == true;
        long value = counter is null ? 0 : counter.Value;
        long by;
        Func<Task<WriteResult>> write;
        string what;
        if (!exists || random.Next(4) == 0)
        {
            // A put moves the counter by the difference from what this replica sees (from 0 when it never had one).
            long target = random.Next(-2, (int)(schema.Max ?? 12) + 3);
            if (!exists) target = 1 + random.Next((int)Math.Min(schema.Max ?? 8, 8));
            by = target - value;
            var document = Value.Map([new(Counter, Value.Int(target)), new("label", Value.String("l" + random.Next(3)))]);
            what = $"put {Bounded}/{id} {document}";
            write = () => db.PutAsync(Bounded, id, document);
        }
        else
        {
            // Mostly decrements, bigger than increments: rights run short, so replicas ask, relay and grant.
            by = random.Next(3) == 0 ? 1 + random.Next(4) : -(1 + random.Next(7));
            what = $"patch {Bounded}/{id} increment {Counter} {by}";
            write = () => db.PatchAsync(Bounded, id, FieldOp.Increment(Counter, by));
        }
        var side = by < 0 ? BoundSide.Lower : BoundSide.Upper;
        bool bounded = by < 0 || schema.Max is not null;
        // Past the bound as this replica sees it, no transfer could help: refused as a constraint violation.
        var expected = by != 0 && (value + by < ConstraintSchema.Min || (by > 0 && value + by > schema.Max)) ? WriteOutcome.ConstraintViolation
            : by == 0 || !bounded || schema.Rights(counter, db.Replica.Did, side) >= Math.Abs(by)
            ? WriteOutcome.Committed : WriteOutcome.InsufficientRights;
        var (outcome, commit) = await AttemptAsync(db, replica, $"{what} (rights {Describe(counter, db.Replica.Did)}, value {value})", expected, write);
        if (outcome == WriteOutcome.InsufficientRights && by < 0) DecrementsRefused++;
        return commit;
    }

    /// <summary>The bounded counter of a document at a position, or null when it has none. A document
    /// that does not exist may hold one too: rights the home transferred before anyone wrote it, or a
    /// deleted document's counter, which a write that brings it back moves on from.</summary>
    public static BCounter? CounterOf(Database db, string id, long position)
        => db.Stored.ReadVersion(Bounded, id, position)?.State.Fields.FieldAt([Counter])?.BCounter;

    private string Describe(BCounter? counter, string replica)
        => schema.Max is null ? $"{schema.Rights(counter, replica, BoundSide.Lower)}" : $"{schema.Rights(counter, replica, BoundSide.Lower)}↓ {schema.Rights(counter, replica, BoundSide.Upper)}↑";

    // ---- the check ----

    private async Task<Cid?> RangeAsync(Database db, int replica)
    {
        string id = Pick(CheckedIds);
        var current = await db.GetAsync(Checked, id);
        int roll = random.Next(10);
        if (current is not null && roll == 0)
            return (await AttemptAsync(db, replica, $"delete {Checked}/{id}", WriteOutcome.Committed, () => db.DeleteAsync(Checked, id))).Commit;
        if (current is null || roll < 4)
        {
            var fields = new List<KeyValuePair<string, Value>>();
            if (random.Next(5) != 0) fields.Add(new(Lo, Number()));
            if (random.Next(5) != 0) fields.Add(new(Hi, Number()));
            if (random.Next(3) == 0) fields.Add(new("note", Value.String("n" + random.Next(3))));
            var document = Value.Map(fields);
            return (await AttemptAsync(db, replica, $"put {Checked}/{id} {document}", Expect(document), () => db.PutAsync(Checked, id, document))).Commit;
        }
        var op = random.Next(6) switch
        {
            0 => FieldOp.Set(Lo, Number()),
            1 => FieldOp.Set(Hi, Number()),
            2 => FieldOp.Unset(random.Next(2) == 0 ? Lo : Hi),
            3 => FieldOp.Set("note", Value.String("n" + random.Next(3))),
            4 => FieldOp.Set(random.Next(2) == 0 ? Lo : Hi, random.Next(8) == 0 ? Value.String("x") : Number()),
            _ => FieldOp.Set(Lo, Value.Int(random.Next(-1, 4))),
        };
        var after = current.Fields.AsMap().Where(f => f.Key != op.Path.ToString()).ToList();
        if (op.Kind == FieldOpKind.Set) after.Add(new(op.Path.ToString(), op.Value!));
        return (await AttemptAsync(db, replica, $"patch {Checked}/{id} {FieldOp.WireName(op.Kind)} {op.Path} {op.Value}", Expect(Value.Map(after)),
            () => db.PatchAsync(Checked, id, op))).Commit;
    }

    /// <summary>A type error is a schema violation (checked first); a check that is false, a constraint violation.</summary>
    private static WriteOutcome Expect(Value document)
    {
        var (lo, hi) = (document.Get(Lo), document.Get(Hi));
        if (lo is { IsNull: false, IsNumber: false } || hi is { IsNull: false, IsNumber: false }) return WriteOutcome.SchemaViolation;
        return Ordered(lo, hi) == false ? WriteOutcome.ConstraintViolation : WriteOutcome.Committed;
    }

    private Value Number() => random.Next(12) switch
    {
        0 => Value.Null,
        < 4 => Value.Double(random.Next(-2, 20) / 2.0),
        _ => Value.Int(random.Next(-2, 10)),
    };

    // ---- references ----

    private async Task<Cid?> ParentAsync(Database db, int replica)
    {
        string id = Pick(ParentIds);
        if (await db.GetAsync(Parents, id) is null || random.Next(3) == 0)
        {
            var document = Value.Map([new("name", Value.String("p" + random.Next(5)))]);
            return (await AttemptAsync(db, replica, $"put {Parents}/{id}", WriteOutcome.Committed, () => db.PutAsync(Parents, id, document))).Commit;
        }
        var named = await ChildrenNamingAsync(db, AddWinsChildren, id);
        var cascaded = await ChildrenNamingAsync(db, RemoveWinsChildren, id);
        var expected = named.Count > 0 ? WriteOutcome.ConstraintViolation : WriteOutcome.Committed;
        var (outcome, commit) = await AttemptAsync(db, replica, $"delete {Parents}/{id} (named by {string.Join(", ", named.Concat(cascaded))})", expected,
            () => db.DeleteAsync(Parents, id));
        if (outcome != WriteOutcome.Committed) return commit;
        // The delete cascades, in the ledger: every remove-wins child that named the parent is deleted by the same commit.
        foreach (var child in cascaded)
            if (db.Stored.ReadVersion(RemoveWinsChildren, child, db.Position) is { State.Exists: true })
                throw new CheckFailedException(FailureKind.Reference, $"replica {replica} deleted {Parents}/{id} at position {db.Position}, but {RemoveWinsChildren}/{child}, which named it, still exists (no cascade).");
        return commit;
    }

    private async Task<Cid?> ChildAsync(Database db, int replica)
    {
        string collection = Pick(ChildCollections), id = Pick(ChildIds);
        var current = await db.GetAsync(collection, id);
        int roll = random.Next(12);
        if (roll == 0)
        {
            // A parent and a child naming it, in one transaction: fine even where the parent was absent.
            string parent = Pick(ParentIds);
            return (await AttemptAsync(db, replica, $"tx put {Parents}/{parent} and {collection}/{id} naming it", WriteOutcome.Committed, () => db.TransactAsync(tx =>
            {
                tx.Put(Parents, parent, Value.Map([new("name", Value.String("tx"))]));
                tx.Put(collection, id, Child(parent));
                return Task.CompletedTask;
            }))).Commit;
        }
        if (roll == 1)
        {
            // Deleting a parent and naming it in one transaction: always refused.
            string parent = Pick(ParentIds);
            if (await db.GetAsync(Parents, parent) is null) return null;
            return (await AttemptAsync(db, replica, $"tx delete {Parents}/{parent} and put {collection}/{id} naming it", WriteOutcome.ConstraintViolation, () => db.TransactAsync(tx =>
            {
                tx.Delete(Parents, parent);
                tx.Put(collection, id, Child(parent));
                return Task.CompletedTask;
            }))).Commit;
        }
        if (current is null || roll < 6)
        {
            string parent = Pick(ParentIds);
            var document = Child(parent);
            return (await AttemptAsync(db, replica, $"put {collection}/{id} {document}", await VisibleParentAsync(db, parent), () => db.PutAsync(collection, id, document))).Commit;
        }
        if (roll < 8)
            return (await AttemptAsync(db, replica, $"delete {collection}/{id}", WriteOutcome.Committed, () => db.DeleteAsync(collection, id))).Commit;
        // A patch is checked against every reference the child holds after it, the unchanged one too.
        (FieldOp op, string? named) = random.Next(3) switch
        {
            0 => (FieldOp.Unset(Parent), (string?)null),
            1 => (FieldOp.Set("v", Value.Int(random.Next(10))), ParentOf(current)),
            _ => Repoint(Pick(ParentIds)),
        };
        var expected = named is null ? WriteOutcome.Committed : await VisibleParentAsync(db, named);
        return (await AttemptAsync(db, replica, $"patch {collection}/{id} {FieldOp.WireName(op.Kind)} {op.Path} {op.Value}", expected, () => db.PatchAsync(collection, id, op))).Commit;

        static (FieldOp, string?) Repoint(string parent) => (FieldOp.Set(Parent, Value.String(parent)), parent);
    }

    private Value Child(string parent) => Value.Map([new(Parent, Value.String(parent)), new("v", Value.Int(random.Next(10)))]);

    public static string? ParentOf(Document child) => child.Fields.Get(Parent) is { Kind: ValueKind.String } id ? id.AsString() : null;

    private static async Task<WriteOutcome> VisibleParentAsync(Database db, string parent)
        => await db.GetAsync(Parents, parent) is null ? WriteOutcome.ConstraintViolation : WriteOutcome.Committed;

    private static async Task<List<string>> ChildrenNamingAsync(Database db, string collection, string parent)
    {
        var found = new List<string>();
        foreach (var id in ChildIds)
            if (await db.GetAsync(collection, id) is { } child && ParentOf(child) == parent) found.Add(id);
        return found;
    }

    // ---- one attempt ----

    /// <summary>Makes the write and compares how it ended with <paramref name="expected"/>; a refusal
    /// must leave the replica where it was.</summary>
    private async Task<(WriteOutcome Outcome, Cid? Commit)> AttemptAsync(Database db, int replica, string what, WriteOutcome expected, Func<Task<WriteResult>> write)
    {
        long before = db.Position;
        WriteOutcome outcome;
        Cid? commit = null;
        string detail = "";
        try
        {
            commit = (await write()).Commit;
            outcome = WriteOutcome.Committed;
        }
        catch (CausewayException e) when (Refusal(e) is { } refused)
        {
            outcome = refused;
            detail = $" ({e.Message})";
        }
        trace?.Invoke($"  {what}: {outcome}{(outcome == expected ? "" : $", expected {expected}")}");
        _outcomes[outcome] = Count(outcome) + 1;
        if (outcome != expected)
            throw new CheckFailedException(FailureKind.Refusal, $"replica {replica} at position {before}: {what} ended {outcome}{detail}, but {expected} was expected.");
        if (outcome != WriteOutcome.Committed && db.Position != before)
            throw new CheckFailedException(FailureKind.Refusal, $"replica {replica}: {what} was refused ({outcome}) but moved the replica from position {before} to {db.Position}.");
        return (outcome, commit);
    }

    private static WriteOutcome? Refusal(CausewayException e) => e switch
    {
        InsufficientRightsException => WriteOutcome.InsufficientRights,
        ConstraintViolationException => WriteOutcome.ConstraintViolation,
        SchemaViolationException => WriteOutcome.SchemaViolation,
        _ => null,
    };

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
