using System.Text.Json;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Functions;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Security;
using Causeway.Transactions;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Tests.Wire;

/// <summary>One answer shape: its codec, a value with every optional part set (<see cref="Full"/>) and
/// one with every optional part unset (<see cref="Bare"/>). <see cref="Extras"/> are members the
/// writer adds that are not properties (a database name); <see cref="Derived"/> members (and what is
/// inside them) the reader may ignore because what they say is read elsewhere (a problem's type, from
/// its code) or belongs to another codec's tests.</summary>
internal sealed record WireShape(string Name, Type Codec, object Full, object Bare, Action<Utf8JsonWriter, object> Write, Func<JsonElement, object> Read)
{
    public IReadOnlySet<string> Extras { get; init; } = new HashSet<string>();
    public IReadOnlySet<string> Derived { get; init; } = new HashSet<string>();

    public override string ToString() => Name;

    public string ToJson(object value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) Write(writer, value);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public object RoundTrip(object value)
    {
        using var json = JsonDocument.Parse(ToJson(value));
        return Read(json.RootElement);
    }
}

/// <summary>Every answer shape of docs/api.md with its codec in Causeway.Wire.</summary>
internal static class WireShapes
{
    public static readonly QueryPlan FullPlan = new("index", ["status = \"paid\""], "index walk on total (descending)", "the index ran out", 40, 12, 57, 10);

    public static readonly DateTimeOffset Time = new DateTimeOffset(2026, 11, 24, 17, 20, 36, TimeSpan.Zero).AddTicks(80_120); // microseconds, as written

    public static readonly string Did = ReplicaIdentity.FromSeed(new byte[32]).Did;
    public static readonly string OtherDid = ReplicaIdentity.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray()).Did;

    public static Cid CidOf(string text) => Cid.ForDagCbor(System.Text.Encoding.UTF8.GetBytes(text));

    public static readonly WriteResult Written = new(CidOf("w"), 7);

    /// <summary>Every member set, though no one rule has them all.</summary>
    public static readonly Causeway.Errors.Violation FullViolation = new(Causeway.Errors.ViolatedRule.Bound, "players", "ann", ["credits", "name"])
    {
        Check = "rich", Other = "players/bob", Side = Causeway.Crdt.BoundSide.Upper, Bound = 100, Value = 102,
    };

    public static readonly FunctionInfo FullFunction = new(new FunctionDefinition("purchase", "function (arg) { return arg; }",
        [new FunctionGrant("/doc/write", ["items", "players"]), new FunctionGrant("/doc/read", ["items"])],
        new ArgumentShape(new Dictionary<string, string> { ["item"] = "string", ["qty"] = "integer?" })), Did, CidOf("f"), 4);

    public static readonly FunctionInfo BareFunction = new(new FunctionDefinition("noop", "() => 1", [new FunctionGrant("/doc")]), "admin", CidOf("g"), 1);

    public static readonly Document FullDocument = Document.Create("orders", "o-1", Value.Map(
    [
        new("total", Value.Int(12)), new("ratio", Value.Double(0.25)), new("status", Value.String("paid")), new("gift", Value.True),
        new("note", Value.Null), new("tags", Value.Array([Value.String("a"), Value.Int(2)])), new("ship", Value.Map([new("city", Value.String("Oslo"))])),
        // The kinds JSON lacks, in their typed forms: {"$decimal": "1.50"}, {"$time": ".."}, {"$bytes": ".."}, and 34.0 stays a double.
        new("price", Value.Decimal(1.50m)), new("due", Value.Timestamp(Time)), new("blob", Value.Bytes([1, 2, 255])), new("weight", Value.Double(34.0)),
    ]), CidOf("d"), 3, Time, Did);

    public static readonly Document BareDocument = Document.Create("orders", "o-2", Value.EmptyMap, null, 0, Time, Did);

    public static readonly DocumentVersion FullVersion = new(4, CidOf("v"), Did, Time, true,
        [new FieldChange("set", "ship.city", Value.String("Oslo")), new FieldChange("increment", "views", Value.Int(1)), new FieldChange("set", "price", Value.Decimal(1.50m))]);

    /// <summary>A change without a path or a value, and one that sets null.</summary>
    public static readonly DocumentVersion BareVersion = new(1, CidOf("v0"), Did, Time, false, [new FieldChange("create"), new FieldChange("set", "note", Value.Null)]);

    public static readonly Change FullChange = new(2, CidOf("c"), Did, Time, [new ChangedDocument("orders", "o-1", true), new ChangedDocument("users", "u1", true)]);

    public static readonly Change BareChange = new(1, CidOf("c0"), Did, Time, [new ChangedDocument("orders", "o-2", false)]);

    public static readonly DatabaseInfo FullInfo = new("shop", 2, 3, 3, [CidOf("h1"), CidOf("h2")],
        new Dictionary<string, long> { [Did] = 3, [OtherDid] = 1 }, ["orders/eu-", "users"]);

    public static readonly DatabaseInfo BareInfo = new("empty", 0, 0, 0, [], new Dictionary<string, long>());

    public static readonly PeerStatus FullPeer = new("s3", "http://10.0.0.2:7480/", OtherDid, "outbound", SyncDirection.Push, SyncMode.Continuous, "live",
        1, 2, 40, 12, 3, Time, "The peer went away.");

    public static readonly PeerStatus BarePeer = new("s4", "10.0.0.3:51876", null, "inbound", SyncDirection.Both, SyncMode.Once, "connecting", 0, 0, 0, 0, 0, Time, null);

    public static readonly SyncResult FullSync = new(OtherDid, 12, 40, 1, 51234, 16020, 52, new VersionVector([new(Did, 40), new(OtherDid, 12)]), TimeSpan.FromMilliseconds(85));

    public static readonly SyncResult BareSync = new(OtherDid, 0, 0, 0, 0, 0, 0, new VersionVector(), TimeSpan.Zero);

    public static readonly Value SamplePolicy = Value.Array([Value.Array([Value.String("=="), Value.String(".db"), Value.String("acme")])]);

    public static readonly TokenReport FullReport = new(CidOf("t"), "dlg", Did, OtherDid, Did, "/doc/read", SamplePolicy,
        Value.Map([new("db", Value.String("acme"))]), 1_780_000_000, 1_790_000_000, true, "Proof bafy… expired.");

    public static readonly TokenReport BareReport = new(CidOf("t1"), "cid", null, null, null, null, null, null, null, null, false, null);

    public static readonly SchemaChangeReport FullSchemaChange = new("field_retyped", "players", ["credits", "name"], "lww → counter", true);

    public static SchemaInfo FullSchema()
    {
        var schema = SchemaJson.Parse($$"""
            { "home": "{{Did}}", "migration": 3, "collections": { "players": { "id": "uuid", "fields": {
                "credits": { "kind": "bcounter", "min": 0 }, "name": { "type": "string", "required": true } },
                "unique": [["name"]], "checks": [ { "name": "named", "expr": "name != ''" } ] } } }
            """);
        return new SchemaInfo(new SchemaVersion(schema, 2, CidOf("s"), 41),
            new SchemaAnalysis([new ConstraintAnalysis("players", "0 ≤ credits ≤ ∞", "bound", "bounded_counter", ["decrement credits"], "Rights are split.")]),
            [new SchemaViolation("players", "p7", "credits", "It is -1.")]);
    }

    /// <summary>A re-delegation at the end of a two-link chain, scoped, with both time bounds.</summary>
    public static readonly DelegationToken FullToken = new(CidOf("t2"), "glhA", [new TokenLink(CidOf("t1"), "glhB"), new TokenLink(CidOf("t2"), "glhA")],
        Did, OtherDid, Did, "/doc/write",
        Value.Array([Value.Array([Value.String("=="), Value.String(".db"), Value.String("shop")]), Value.Array([Value.String("like"), Value.String(".id"), Value.String("d1-*")])]),
        1_800_000_000, 1_700_000_000);

    /// <summary>A powerline without a policy or time bounds, alone in its chain.</summary>
    public static readonly DelegationToken BareToken = new(CidOf("t0"), "glhC", [new TokenLink(CidOf("t0"), "glhC")], Did, OtherDid, null, "/", Value.Array([]), null, null);

    public static readonly IReadOnlyList<WireShape> All =
    [
        Shape("WriteResult", typeof(WriteResultJson), Written, new WriteResult(CidOf("w0"), 0), WriteResultJson.Write, WriteResultJson.Read),
        Shape("TransactionResult", typeof(TransactionResultJson), new TransactionResult(Written, ["019ab8f3-5a2e-7c41-9d0b-3f6e1c2a4b5d", "2"]), new TransactionResult(Written, []),
            TransactionResultJson.Write, TransactionResultJson.Read),
        Shape("DatabaseInfo", typeof(DatabaseInfoJson), FullInfo, BareInfo, DatabaseInfoJson.Write, DatabaseInfoJson.Read),
        Shape("DatabaseList", typeof(DatabaseListJson), new DatabaseList([FullInfo]), new DatabaseList([BareInfo]),
            (w, v) => DatabaseListJson.Write(w, v.Databases), json => new DatabaseList(DatabaseListJson.Read(json))),
        Shape("HealthReport", typeof(HealthReportJson),
            new HealthReportInfo("Degraded", [new HealthCheckInfo("sync", "Degraded", "1 of 1 continuous links are not live.", [new HealthDetail("shop http://127.0.0.1:9/", "backing-off")])]),
            new HealthReportInfo("Healthy", [new HealthCheckInfo("store", "Healthy", null, [])]), HealthReportJson.Write, HealthReportJson.Read),
        Shape("ServerStatus", typeof(ServerStatusJson), new ServerStatus(Did, OtherDid, "1.0.0", ["shop", "acme.eu"]), new ServerStatus(Did, Did, "0.0.0", []), ServerStatusJson.Write, ServerStatusJson.Read),
        Shape("BackupReport", typeof(BackupReportJson), new BackupReport("/var/backups/causeway/today", Did, ["acme.eu", "shop"]), new BackupReport("/b", Did, []), BackupReportJson.Write, BackupReportJson.Read),
        Shape("DelegationToken", typeof(DelegationTokenJson), FullToken, BareToken, DelegationTokenJson.Write, DelegationTokenJson.Read),
        Shape("TokenReport", typeof(TokenReportJson), FullReport, BareReport, TokenReportJson.Write, TokenReportJson.Read),
        Shape("SchemaDiffReport", typeof(SchemaDiffReportJson), new SchemaDiffReport(3, [FullSchemaChange]), new SchemaDiffReport(null, []),
            SchemaDiffReportJson.Write, SchemaDiffReportJson.Read),
        Shape("MigrationReport", typeof(MigrationReportJson), new MigrationReport(3, 4, true, 12, [FullSchemaChange]), new MigrationReport(null, null, false, null, []),
            MigrationReportJson.Write, MigrationReportJson.Read),
        Shape("Document", typeof(DocumentJson), FullDocument, BareDocument, DocumentJson.Write, DocumentJson.Read),
        Shape("DocumentVersion", typeof(DocumentVersionJson), FullVersion, BareVersion, DocumentVersionJson.Write, DocumentVersionJson.Read),
        Shape("DocumentHistory", typeof(DocumentHistoryJson), new DocumentHistory([FullVersion]), new DocumentHistory([BareVersion]),
            (w, v) => DocumentHistoryJson.Write(w, v.Versions), json => new DocumentHistory(DocumentHistoryJson.Read(json))),
        Shape("Change", typeof(ChangeJson), FullChange, BareChange, ChangeJson.Write, ChangeJson.Read),
        Shape("ChangesPage", typeof(ChangesPageJson), new ChangesPage([FullChange], 2), new ChangesPage([BareChange], 0), ChangesPageJson.Write, ChangesPageJson.Read),
        Shape("VerifyReport", typeof(VerifyReportJson), new VerifyReport(true, 7, [new VerifyProblem(5, CidOf("p"), "hash", "The block does not hash to its CID.")]),
            new VerifyReport(false, 0, [new VerifyProblem(null, null, "heads", "No heads.")]), VerifyReportJson.Write, VerifyReportJson.Read),
        Shape("ImportResult", typeof(ImportResultJson), new ImportResult(4, 1, 5), new ImportResult(0, 0, 0), ImportResultJson.Write, ImportResultJson.Read),
        Shape("SyncResult", typeof(SyncResultJson), FullSync, BareSync, (w, v) => SyncResultJson.Write(w, v), SyncResultJson.Read),
        Shape("SyncResult of a database", typeof(SyncResultJson), FullSync, BareSync, (w, v) => SyncResultJson.Write(w, v, "shop"), SyncResultJson.Read) with { Extras = new HashSet<string> { "database" } },
        Shape("PeerStatus", typeof(PeerStatusJson), FullPeer, BarePeer, (w, v) => PeerStatusJson.Write(w, v), PeerStatusJson.Read),
        Shape("PeerStatus of a database", typeof(PeerStatusJson), FullPeer, BarePeer, (w, v) => PeerStatusJson.Write(w, v, "shop"), PeerStatusJson.Read) with { Extras = new HashSet<string> { "database" } },
        Shape("PeerList", typeof(PeerListJson), new PeerList([FullPeer]), new PeerList([BarePeer]), (w, v) => PeerListJson.Write(w, v.Peers), json => new PeerList(PeerListJson.Read(json))),
        Shape("QueryResult", typeof(QueryResultJson), new QueryResult([FullDocument], "gqFw", 9) { Plan = FullPlan }, new QueryResult([BareDocument], null, 9), QueryResultJson.Write, QueryResultJson.Read),
        Shape<QueryPlan>("QueryPlan", typeof(QueryPlanJson), FullPlan, new QueryPlan("scan", [], "id", null, null, 0, 0, 0), QueryPlanJson.Write, QueryPlanJson.Read),
        Shape("QueryCount", typeof(QueryCountJson), new QueryCount(12, 40), new QueryCount(0, 0), QueryCountJson.Write, QueryCountJson.Read),
        Shape("LiveQueryEvent", typeof(LiveQueryEventJson),
            new LiveQueryEvent(LiveQueryEventKind.Delta, 9, CidOf("l"), OtherDid, true, [FullDocument], [FullDocument], ["o-3", "o-4"]),
            new LiveQueryEvent(LiveQueryEventKind.Snapshot, 0, null, null, false, [], [], []), LiveQueryEventJson.Write, LiveQueryEventJson.Read),
        Shape("SchemaInfo", typeof(SchemaInfoJson), FullSchema(), new SchemaInfo(SchemaVersion.None, new SchemaAnalysis([]), []), SchemaInfoJson.Write, SchemaInfoJson.Read)
            with { Derived = new HashSet<string> { "collections" } }, // the SCHEMA document inside is SchemaJson's, which writes defaults (kind lww) it reads as absent
        Shape("QuotaStatus", typeof(QuotasJson), new QuotaStatus(new QuotaLimits(100, 1_000_000, 50, 4), new QuotaUsage(12, 3456, 2)),
            new QuotaStatus(QuotaLimits.None, new QuotaUsage(0, 0, 0)), QuotasJson.Write, QuotasJson.Read),
        Shape("FunctionInfo", typeof(FunctionJson), FullFunction, BareFunction, FunctionJson.Write, FunctionJson.Read),
        Shape("FunctionList", typeof(FunctionJson), new FunctionList([FullFunction]), new FunctionList([]),
            (w, list) => FunctionJson.WriteList(w, list.Functions), json => new FunctionList(FunctionJson.ReadList(json))),
        Shape("CallResult", typeof(CallResultJson), new CallResult(Value.Map([new("paid", Value.Int(30)), new("at", Value.Timestamp(Time))]), CidOf("c"), 12, Replayed: true),
            new CallResult(Value.Int(0), null, 0), (w, r) => CallResultJson.Write(w, r, typed: true), CallResultJson.Read),
        Shape("FunctionLimits", typeof(FunctionLimitsJson), new FunctionLimits
            {
                Timeout = TimeSpan.FromMilliseconds(250), Statements = 5000, MemoryBytes = 1 << 20, RecursionDepth = 32, ArrayLength = 99,
                RegexTimeout = TimeSpan.FromMilliseconds(20), ResultBytes = 4096, IdempotencyRetention = TimeSpan.FromHours(2),
            }, FunctionLimits.Default, FunctionLimitsJson.Write, FunctionLimitsJson.Read),
        Shape("StreamToken", typeof(StreamTokenJson), new StreamToken("cws_abc", "acme.eu", 1_800_000_000), new StreamToken("cws_", "x", 0), StreamTokenJson.Write, StreamTokenJson.Read),
        Shape("ApiProblem", typeof(ApiProblemJson), ApiProblem.For("forbidden", "Proof bafy…'s policy does not allow it.", ucanError: "MatchError", proof: CidOf("p").ToString(), violation: FullViolation),
            ApiProblem.For("internal", "", 500), ApiProblemJson.Write, ApiProblemJson.Read)
            with { Derived = new HashSet<string> { "type" } },
        Shape("Violation", typeof(ViolationJson), FullViolation, new Causeway.Errors.Violation(Causeway.Errors.ViolatedRule.Required, "players", "ann", []),
            ViolationJson.Write, ViolationJson.Read),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var shape in All) data.Add(shape.Name);
        return data;
    }

    public static WireShape Named(string name) => All.Single(s => s.Name == name);

    private static WireShape Shape<T>(string name, Type codec, T full, T bare, Action<Utf8JsonWriter, T> write, Func<JsonElement, T> read) where T : notnull
        => new(name, codec, full, bare, (w, v) => write(w, (T)v), json => read(json));
}
