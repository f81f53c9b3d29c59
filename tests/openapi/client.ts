// A client generated from the server's OpenAPI document (openapi-typescript + openapi-fetch), run
// against a real server: it type-checks under --strict and every answer is the declared one.
// Usage: node generated/out/client.js BASE-URL TOKEN
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/api.js";

type Problem = components["schemas"]["Problem"];
declare const process: { argv: string[] };

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: client.js BASE-URL TOKEN");
// JSON answers only: the event-stream forms of the same routes are for EventSource.
const api = createClient<paths, "application/json" | "application/problem+json">({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`failed: ${what}`);
}

const db = `ts${Date.now()}`;
const created = await api.PUT("/v1/dbs/{db}", { params: { path: { db } } });
check(created.response.status === 201 && created.data?.name === db, "create the database");

const put = await api.PUT("/v1/dbs/{db}/docs/{coll}/{id}", {
  params: { path: { db, coll: "orders", id: "o-1" } },
  body: { total: 12, status: "paid", price: { $decimal: "1.50" } },
});
check(put.response.status === 201 && typeof put.data?.commit === "string", "put a document");
const etag = put.response.headers.get("ETag");
check(etag !== null, "the put answers an ETag");

const got = await api.GET("/v1/dbs/{db}/docs/{coll}/{id}", { params: { path: { db, coll: "orders", id: "o-1" }, query: { values: "plain" } } });
check(got.data?._id === "o-1" && got.data._meta.position >= 1 && got.data["price"] === "1.50", "get it, plain");

const patched = await api.PATCH("/v1/dbs/{db}/docs/{coll}/{id}", {
  params: { path: { db, coll: "orders", id: "o-1" }, header: { "If-Match": etag ?? "" } },
  body: { ops: [{ op: "set", path: "status", value: "shipped" }, { op: "increment", path: "views", by: 1 }] },
});
check(patched.response.status === 200 && (patched.data?.position ?? 0) > (put.data?.position ?? 0), "patch it, conditionally");

const tx = await api.POST("/v1/dbs/{db}/tx", {
  params: { path: { db } },
  body: { ops: [{ op: "put", collection: "orders", id: "o-2", doc: { total: 5, status: "paid" } }, { op: "create", collection: "orders", doc: { total: 7, status: "paid" } }] },
});
check(tx.data?.created.length === 1, "a transaction creates one id");

const seen: string[] = [];
let after: string | undefined;
for (let page = 0; page < 5; page++) {
  const result = await api.POST("/v1/dbs/{db}/query", { params: { path: { db } }, body: { collection: "orders", orderBy: [{ path: "total" }], limit: 2, ...(after ? { after } : {}) } });
  const data = result.data;
  check(data !== undefined && "docs" in data, "a query answers a page");
  if (data === undefined || !("docs" in data)) break;
  for (const doc of data.docs) seen.push(doc._id);
  if (data.next === null) break;
  after = data.next;
}
check(seen.length === 3, `three documents over the pages (${seen.join(",")})`);

const changes = await api.GET("/v1/dbs/{db}/changes", { params: { path: { db }, query: { since: 0, limit: 10 } } });
check(changes.data !== undefined && changes.data.changes.length === 3 && changes.data.last >= 3, "the changes");

const history = await api.GET("/v1/dbs/{db}/docs/{coll}/{id}/history", { params: { path: { db, coll: "orders", id: "o-1" } } });
check(history.data?.versions.length === 2, "two versions in the history");

const verify = await api.GET("/v1/dbs/{db}/verify", { params: { path: { db } } });
check(verify.data?.ok === true && verify.data.problems.length === 0, "the ledger verifies");

const stale = await api.PUT("/v1/dbs/{db}/docs/{coll}/{id}", {
  params: { path: { db, coll: "orders", id: "o-1" }, header: { "If-Match": etag ?? "" } },
  body: { total: 1 },
});
const problem: Problem | undefined = stale.error;
check(stale.response.status === 412 && problem?.code === "precondition_failed", "a stale write is a typed problem");

const missing = await api.GET("/v1/dbs/{db}/docs/{coll}/{id}", { params: { path: { db, coll: "orders", id: "nope" } } });
check(missing.error?.code === "not_found" && missing.response.headers.get("content-type")?.startsWith("application/problem+json") === true, "a missing document is a typed problem");

console.log(JSON.stringify({ ok: true, documents: seen.length, last: changes.data?.last }));
