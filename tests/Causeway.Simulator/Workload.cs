using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Simulator;

/// <summary>Random writes over every kind a field can take through the API (lww scalars and
/// objects, nested maps, counters, add-wins sets, enable-wins flags) and every operation on them,
/// puts (which diff), deletes, and multi-document transactions. Fields are shared between kinds
/// on purpose, so concurrent writers give one field several kinds. Most writes are audited
/// transactions (<see cref="AuditTrail"/>); the rest are single-document writes outside one.
/// In an owned run (<paramref name="idPrefix"/> set) each replica's ids in <c>docs</c> start with
/// its own prefix, the one its delegation allows; <c>other</c> and the audit trail stay shared.</summary>
public sealed class Workload(Random random, AuditTrail trail, Action<string>? trace = null, Func<int, string>? idPrefix = null)
{
    private static readonly string[] Collections = ["docs", "other"];
    private static readonly string[] Ids = ["a", "b", "c", "d"];
    private static readonly string[] LwwPaths = ["s", "v", "m.x", "m.y", "m.deep.z"];
    private static readonly string[] CounterPaths = ["n", "m.n"];
    private static readonly string[] SetPaths = ["tags", "m.tags"];
    private static readonly string[] FlagPaths = ["flag", "m.flag"];
    private static readonly string[] AllPaths = [.. LwwPaths, .. CounterPaths, .. SetPaths, .. FlagPaths, "m", "m.deep"];

    public int Commits { get; private set; }

    /// <summary>Writes refused by the database's own checks (a patch of a deleted document, an
    /// increment of a set): expected, and they leave no trace.</summary>
    public int Refused { get; private set; }

    /// <summary>One random write on <paramref name="db"/>; the commit it made, if any.</summary>
    public async Task<Cid?> WriteAsync(Database db, int replica)
    {
        var commit = random.Next(4) == 0 ? await PlainWriteAsync(db, replica) : await AuditedTransactionAsync(db, replica);
        if (commit is not null) Commits++;
        return commit;
    }

    private async Task<Cid?> PlainWriteAsync(Database db, int replica)
    {
        var (collection, id) = Target(replica);
        try
        {
            switch (await ChooseAsync(db.GetAsync(collection, id)))
            {
                case 0:
                    var document = RandomDocument();
                    trace?.Invoke($"  put {collection}/{id} {document}");
                    return (await db.PutAsync(collection, id, document)).Commit;
                case 1:
                    trace?.Invoke($"  delete {collection}/{id}");
                    return (await db.DeleteAsync(collection, id)).Commit;
                default:
                    var ops = RandomPatch();
                    trace?.Invoke($"  patch {collection}/{id} {Describe(ops)}");
                    return (await db.PatchAsync(collection, id, ops)).Commit;
            }
        }
        catch (CausewayException e) when (IsRefusal(e))
        {
            Refused++;
            return null;
        }
    }

    /// <summary>A transaction that reads an audit document (what it saw are its causes), makes 1–4
    /// random writes, and adds its id to 2 or more audit documents, all in one commit.</summary>
    private async Task<Cid?> AuditedTransactionAsync(Database db, int replica)
    {
        string txId = trail.NextId();
        var audit = Enumerable.Range(0, AuditTrail.Documents).Select(AuditTrail.DocumentId).ToArray();
        random.Shuffle(audit);
        audit = audit[..(2 + random.Next(AuditTrail.Documents - 1))];
        IReadOnlyList<string> causes = [];
        var result = await db.TransactAsync(async tx =>
        {
            var seen = await tx.GetAsync(AuditTrail.Collection, AuditTrail.DocumentId(random.Next(AuditTrail.Documents)));
            causes = TransactionIds(seen);
            for (int i = 1 + random.Next(4); i > 0; i--)
            {
                try { await WriteInAsync(tx, replica); }
                catch (CausewayException e) when (IsRefusal(e))
                {
                    trace?.Invoke($"    refused: {e.Message}");
                    Refused++;
                }
            }
            foreach (var doc in audit)
            {
                // Created empty where this replica has not seen it yet: a put diffs against what it
                // saw, so it never unsets ids added elsewhere.
                if (await tx.GetAsync(AuditTrail.Collection, doc) is null) tx.Put(AuditTrail.Collection, doc, Value.EmptyMap);
                tx.Patch(AuditTrail.Collection, doc, FieldOp.Add(AuditTrail.Field, Value.String(txId)));
            }
        });
        trail.Add(new AuditedTransaction(txId, replica, result.Commit, audit, causes));
        return result.Commit;
    }

    public static IReadOnlyList<string> TransactionIds(Document? audit)
        => audit?.Fields.Get(AuditTrail.Field) is { Kind: ValueKind.Array } ids ? [.. ids.AsArray().Select(v => v.AsString())] : [];

    private async Task WriteInAsync(Transaction tx, int replica)
    {
        var (collection, id) = Target(replica);
        switch (await ChooseAsync(tx.GetAsync(collection, id)))
        {
            case 0:
                var document = RandomDocument();
                trace?.Invoke($"  tx put {collection}/{id} {document}");
                tx.Put(collection, id, document);
                break;
            case 1:
                trace?.Invoke($"  tx delete {collection}/{id}");
                tx.Delete(collection, id);
                break;
            default:
                var ops = RandomPatch();
                trace?.Invoke($"  tx patch {collection}/{id} {Describe(ops)}");
                tx.Patch(collection, id, ops);
                break;
        }
    }

    private static string Describe(FieldOp[] ops)
        => string.Join(", ", ops.Select(o => $"{FieldOp.WireName(o.Kind)} {o.Path}{(o.Value is null ? "" : " " + o.Value)}{(o.Kind == FieldOpKind.Increment ? " " + o.By : "")}"));

    /// <summary>0 put, 1 delete, else patch: mostly a put where the document is absent (a patch or
    /// delete of it is refused), so most writes take effect and a few are refused.</summary>
    private async Task<int> ChooseAsync(Task<Document?> read)
    {
        bool absent = await read is null;
        return absent && random.Next(4) != 0 ? 0 : random.Next(6);
    }

    private static bool IsRefusal(CausewayException e) => e.Code is ErrorCodes.NotFound or ErrorCodes.TypeMismatch;

    private (string Collection, string Id) Target(int replica)
    {
        string collection = Pick(Collections), id = Pick(Ids);
        return (collection, idPrefix is not null && collection == Intruder.ScopedCollection ? idPrefix(replica) + id : id);
    }

    private FieldOp[] RandomPatch() => [.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => RandomOp())];

    private FieldOp RandomOp() => random.Next(20) switch
    {
        < 4 => FieldOp.Set(Pick(LwwPaths), Scalar()),
        4 => FieldOp.Set(Pick(LwwPaths), Value.Map([new("x", Scalar()), new("k", Value.Int(random.Next(3)))])),
        5 => FieldOp.Unset(Pick(AllPaths)),
        < 9 => FieldOp.Increment(Pick(CounterPaths), random.Next(-5, 10)),
        < 12 => FieldOp.Add(Pick(SetPaths), Element()),
        < 14 => FieldOp.Remove(Pick(SetPaths), Element()),
        < 16 => FieldOp.Enable(Pick(FlagPaths)),
        < 18 => FieldOp.Disable(Pick(FlagPaths)),
        // Any operation on any path: mostly refused, but after an unset it gives a field a new kind.
        _ => random.Next(4) switch
        {
            0 => FieldOp.Set(Pick(AllPaths), Scalar()),
            1 => FieldOp.Increment(Pick(AllPaths), 1),
            2 => FieldOp.Add(Pick(AllPaths), Element()),
            _ => FieldOp.Enable(Pick(AllPaths)),
        },
    };

    private Value RandomDocument()
    {
        var fields = new List<KeyValuePair<string, Value>>();
        if (random.Next(2) == 0) fields.Add(new("s", Scalar()));
        if (random.Next(2) == 0) fields.Add(new("v", Scalar()));
        if (random.Next(3) == 0) fields.Add(new("n", Value.Int(random.Next(10))));
        if (random.Next(3) == 0) fields.Add(new("tags", Value.Array([Element(), Element()])));
        if (random.Next(3) == 0) fields.Add(new("flag", Value.Bool(random.Next(2) == 0)));
        if (random.Next(2) == 0)
            fields.Add(new("m", random.Next(5) == 0 ? Scalar() : Value.Map([new("x", Scalar()), new("deep", Value.Map([new("z", Scalar())]))])));
        return Value.Map(fields);
    }

    private Value Scalar() => random.Next(10) switch
    {
        0 => Value.Null,
        1 => Value.Bool(random.Next(2) == 0),
        2 => Value.Double(random.Next(100) / 4.0),
        3 => Value.Decimal(random.Next(1000) / 100m),
        4 => Value.TimestampFromMicros(1_700_000_000_000_000 + random.Next(1000)),
        5 => Value.Bytes([(byte)random.Next(256), (byte)random.Next(256)]),
        6 => Value.Array([Value.Int(random.Next(3)), Value.String("x")]),
        7 or 8 => Value.String("v" + random.Next(4)),
        _ => Value.Int(random.Next(-3, 10)),
    };

    private Value Element() => random.Next(2) == 0 ? Value.Int(random.Next(4)) : Value.String("e" + random.Next(3));

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
