namespace Causeway.Server.OpenApi.Areas;

/// <summary>Documents and transactions (docs/api.md, Documents, Transactions).</summary>
internal static class DocumentsApi
{
    public const string Tag = "documents";
    private const string Doc = "/v1/dbs/{db}/docs/{coll}/{id}";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("put", Doc, "putDocument", Tag)
            .Summary("Create (201) or replace (200) a document.")
            .IfMatch().IfNoneMatchStar().PreferWait()
            .JsonBody("DocumentBody")
            .Versioned(200, "WriteResult", "Replaced.")
            .Versioned(201, "WriteResult", "Created.")
            .Writes().Problems(412),
        new Operation("post", "/v1/dbs/{db}/docs/{coll}", "createDocument", Tag)
            .Summary("Create a document with a generated id (as the collection's schema says; UUIDv7 otherwise).")
            .PreferWait()
            .JsonBody("DocumentBody")
            .Answers(201, "WriteResult", "Created; `_id` is the generated id.",
                ("Location", "/v1/dbs/{db}/docs/{coll}/{id} of the new document."), ("ETag", "The document's version, `\"bafyrei…\"`."))
            .Writes(),
        new Operation("get", Doc, "getDocument", Tag)
            .Summary("Read a document; `ETag` is its version.")
            .At().Values()
            .Answers(200, "Document", "The document.", ("ETag", "The document's version, `\"bafyrei…\"` (a strong tag for If-Match)."))
            .Problems(404, 409),
        new Operation("patch", Doc, "patchDocument", Tag)
            .Summary("Apply field operations in order.")
            .IfMatch().PreferWait()
            .JsonBody("Patch")
            .Versioned(200, "WriteResult", "Applied.")
            .Writes().Problems(412),
        new Operation("delete", Doc, "deleteDocument", Tag)
            .Summary("Delete a document (404 when already absent).")
            .IfMatch().PreferWait()
            .Answers(200, "WriteResult", "Deleted.")
            .Problems(404, 409, 412, 422, 429),
        new Operation("get", Doc + "/history", "getDocumentHistory", Tag)
            .Summary("Every version of a document, oldest first.")
            .At().Values()
            .Answers(200, "DocumentHistory", "The versions.")
            .Problems(404, 409),
        new Operation("post", "/v1/dbs/{db}/tx", "transact", Tag)
            .Summary("Apply operations atomically: one commit, or nothing.")
            .PreferWait()
            .JsonBody("Transaction")
            .Answers(200, "TransactionResult", "Committed.")
            .Writes(),
    ];
}
