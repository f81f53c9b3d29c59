// A client NSwag generated from the server's OpenAPI document, run against a real server: every call
// below must deserialize as declared (a 201 the document did not declare would throw here).
// Usage: dotnet run -- BASE-URL TOKEN
using Causeway.Generated;

string baseUrl = args[0], token = args[1];
using var http = new HttpClient();
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
var api = new CausewayApi(http) { BaseUrl = baseUrl };
string db = "cs" + DateTime.UtcNow.Ticks;

void Check(bool condition, string what)
{
    if (!condition) throw new InvalidOperationException("failed: " + what);
}

var info = await api.CreateDatabaseAsync(db);
Check(info.Name == db, "create the database (201)");

var put = await api.PutDocumentAsync(db, "orders", "o-1", new Dictionary<string, object> { ["total"] = 12, ["status"] = "paid" });
Check(put.Commit.StartsWith("b") && put.Position >= 1, "put a document (201)");

var got = await api.GetDocumentAsync(db, "orders", "o-1");
Check(got._id == "o-1" && got._meta.Position == put.Position && Convert.ToInt64(got.AdditionalProperties["total"]) == 12, "get it");

var patched = await api.PatchDocumentAsync(db, "orders", "o-1",
    new Patch { Ops = [new FieldOp { Op = FieldOpOp.Set, Path = "status", Value = "shipped" }, new FieldOp { Op = FieldOpOp.Increment, Path = "views", By = 1 }] },
    if_Match: $"\"{put.Commit}\"");
Check(patched.Position > put.Position, "patch it, conditionally");

var tx = await api.TransactAsync(db, new Transaction
{
    Ops =
    [
        new TxOp { Op = TxOpOp.Put, Collection = "orders", Id = "o-2", Doc = new Dictionary<string, object> { ["total"] = 5 } },
        new TxOp { Op = TxOpOp.Create, Collection = "orders", Doc = new Dictionary<string, object> { ["total"] = 7 } },
    ],
});
Check(tx.Created.Count == 1, "a transaction creates one id");

var seen = new List<string>();
string after = null;
for (int page = 0; page < 5; page++)
{
    var result = await api.QueryAsync(db, new Query { Collection = "orders", OrderBy = [new OrderBy { Path = "total" }], Limit = 2, After = after });
    seen.AddRange(result.Docs.Select(d => d._id));
    if (result.Next is null) break;
    after = result.Next;
}
Check(seen.Count == 3, "three documents over the pages: " + string.Join(",", seen));

var changes = await api.GetChangesAsync(db, since: 0, limit: 10);
Check(changes.Changes.Count == 3 && changes.Last >= 3, "the changes");

var history = await api.GetDocumentHistoryAsync(db, "orders", "o-1");
Check(history.Versions.Count == 2, "two versions");

var verify = await api.VerifyLedgerAsync(db);
Check(verify.Ok && verify.Problems.Count == 0, "the ledger verifies");

try
{
    await api.PutDocumentAsync(db, "orders", "o-1", new Dictionary<string, object> { ["total"] = 1 }, if_Match: $"\"{put.Commit}\"");
    Check(false, "a stale write is refused");
}
catch (ApiException<Problem> e)
{
    Check(e.StatusCode == 412 && e.Result.Code == "precondition_failed", "a stale write is a typed problem: " + e.Result.Code);
}

Console.WriteLine($"{{\"ok\":true,\"documents\":{seen.Count},\"last\":{changes.Last}}}");
