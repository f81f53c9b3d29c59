namespace Causeway.Wire;

/// <summary>The JSON Schema of every shape the codecs beside this file write, and of the request
/// bodies docs/api.md names, as the OpenAPI document's <c>components.schemas</c> (JSON Schema 2020-12,
/// as OpenAPI 3.1 takes it; references are <c>#/components/schemas/NAME</c>). One definition per
/// shape: the server's document serves these texts as they are, and a test validates every codec's
/// output against them, so a member a codec adds or drops fails until its schema here says so.</summary>
/// <remarks>Answers are closed (<c>additionalProperties: false</c>) except a document, whose fields are open.
/// A value (a field, an operand, a call's argument or result) is any JSON, typed forms such as
/// <c>{"$decimal": "1.50"}</c> included (docs/api.md, Values in answers): the schema without a type,
/// which client generators read as "any".</remarks>
public static class WireSchemas
{
    /// <summary>The schema's component name for each codec's main shape.</summary>
    public static readonly IReadOnlyDictionary<Type, string> OfCodec = new Dictionary<Type, string>
    {
        [typeof(ApiProblemJson)] = "Problem",
        [typeof(ViolationJson)] = "Violation",
        [typeof(WriteResultJson)] = "WriteResult",
        [typeof(TransactionResultJson)] = "TransactionResult",
        [typeof(DatabaseInfoJson)] = "DatabaseInfo",
        [typeof(DatabaseListJson)] = "DatabaseList",
        [typeof(DatabaseDroppedJson)] = "DatabaseDropped",
        [typeof(ServerStatusJson)] = "ServerStatus",
        [typeof(DelegationTokenJson)] = "DelegationToken",
        [typeof(TokenReportJson)] = "TokenReport",
        [typeof(SchemaDiffReportJson)] = "SchemaDiffReport",
        [typeof(MigrationReportJson)] = "MigrationReport",
        [typeof(TokenRevokedJson)] = "TokenRevoked",
        [typeof(DocumentJson)] = "Document",
        [typeof(DocumentVersionJson)] = "DocumentVersion",
        [typeof(DocumentHistoryJson)] = "DocumentHistory",
        [typeof(ChangeJson)] = "Change",
        [typeof(ChangesPageJson)] = "ChangesPage",
        [typeof(VerifyReportJson)] = "VerifyReport",
        [typeof(ImportResultJson)] = "ImportResult",
        [typeof(SyncResultJson)] = "SyncResult",
        [typeof(PeerStatusJson)] = "PeerStatus",
        [typeof(PeerListJson)] = "PeerList",
        [typeof(PeerStoppedJson)] = "PeerStopped",
        [typeof(QueryResultJson)] = "QueryResult",
        [typeof(QueryPlanJson)] = "QueryPlan",
        [typeof(QueryCountJson)] = "QueryCount",
        [typeof(LiveQueryEventJson)] = "LiveQueryEvent",
        [typeof(SchemaInfoJson)] = "SchemaInfo",
        [typeof(QuotasJson)] = "QuotaStatus",
        [typeof(FunctionJson)] = "FunctionInfo",
        [typeof(CallResultJson)] = "CallResult",
        [typeof(FunctionLimitsJson)] = "FunctionLimits",
        [typeof(StreamTokenJson)] = "StreamToken",
        [typeof(BackupReportJson)] = "BackupReport",
        [typeof(HealthReportJson)] = "HealthReport",
    };

    private const string Cid = """{ "type": "string", "description": "A CID (CIDv1, base32: bafy…)." }""";
    private const string NullableCid = """{ "type": ["string", "null"], "description": "A CID (CIDv1, base32: bafy…), or null." }""";
    private const string Did = """{ "type": "string", "description": "A did:key." }""";
    private const string Time = """{ "type": "string", "format": "date-time", "description": "RFC 3339, UTC, microseconds." }""";
    private const string Count = """{ "type": "integer", "format": "int64", "minimum": 0 }""";
    private const string Position = """{ "type": "integer", "format": "int64", "minimum": 0, "description": "A position in this replica's ledger." }""";
    private const string Strings = """{ "type": "array", "items": { "type": "string" } }""";
    private const string Clock = """{ "type": "object", "additionalProperties": { "type": "integer", "format": "int64" }, "description": "A version vector: { DID: seq }." }""";

    /// <summary>Every schema by its component name: the answers, then the request bodies.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["Problem"] = """
            { "type": "object", "description": "An error (RFC 9457). `code` is stable and is what programs match; `detail` is for people.",
              "required": ["type", "title", "status", "detail", "code"], "additionalProperties": false,
              "properties": {
                "type": { "type": "string", "description": "https://causeway.dev/errors/CODE" },
                "title": { "type": "string" },
                "status": { "type": "integer", "format": "int32" },
                "detail": { "type": "string" },
                "code": { "type": "string", "description": "The stable error code (docs/api.md, Errors)." },
                "ucanError": { "type": "string", "description": "Why a capability token was refused, as UCAN 1.0 names it." },
                "proof": { "type": "string", "description": "The CID of the token or proof at fault." },
                "violation": { "$ref": "#/components/schemas/Violation" } } }
            """,
        ["Violation"] = """
            { "type": "object", "description": "What a refused write is about (schema_violation, constraint_violation, insufficient_rights, reservation_unavailable): the rule, the document and the fields at fault. Members a rule does not have are left out.",
              "required": ["rule", "collection", "id", "fields"], "additionalProperties": false,
              "properties": {
                "rule": { "type": "string", "enum": ["unique", "check", "reference", "bound", "required", "type"] },
                "collection": { "type": "string" }, "id": { "type": "string" },
                "fields": { "type": "array", "items": { "type": "string" }, "description": "The field paths at fault; empty when the document as a whole is." },
                "check": { "type": "string", "description": "The check's name." },
                "other": { "type": "string", "description": "The other document the rule involves, collection/id." },
                "side": { "type": "string", "enum": ["lower", "upper"], "description": "Which bound of a counter." },
                "bound": { "type": "integer", "format": "int64", "description": "The counter's minimum or maximum." },
                "value": { "type": "integer", "format": "int64", "description": "The value the counter would have had." } } }
            """,
        ["WriteResult"] = $$"""
            { "type": "object", "description": "What a write answers; a create with a generated id adds `_id`.",
              "required": ["commit", "position"], "additionalProperties": false,
              "properties": { "_id": { "type": "string" }, "commit": {{Cid}}, "position": {{Position}} } }
            """,
        ["TransactionResult"] = $$"""
            { "type": "object", "required": ["commit", "position", "created"], "additionalProperties": false,
              "properties": { "commit": {{Cid}}, "position": {{Position}},
                "created": { "type": "array", "items": { "type": "string" }, "description": "The ids `create` operations generated, in order." } } }
            """,
        ["DatabaseInfo"] = $$"""
            { "type": "object", "required": ["name", "documents", "commits", "position", "heads", "clock"], "additionalProperties": false,
              "properties": { "name": { "type": "string" }, "documents": {{Count}}, "commits": {{Count}}, "position": {{Position}},
                "heads": { "type": "array", "items": {{Cid}} }, "clock": {{Clock}},
                "holds": { "type": "array", "items": { "type": "string" }, "description": "What a partial replica holds: collections, or collection/id-prefix." } } }
            """,
        ["DatabaseList"] = """
            { "type": "object", "required": ["databases"], "additionalProperties": false,
              "properties": { "databases": { "type": "array", "items": { "$ref": "#/components/schemas/DatabaseInfo" } } } }
            """,
        ["DatabaseDropped"] = """
            { "type": "object", "required": ["name", "dropped"], "additionalProperties": false,
              "properties": { "name": { "type": "string" }, "dropped": { "type": "boolean", "const": true } } }
            """,
        ["ServerStatus"] = $$"""
            { "type": "object", "required": ["replica", "owner", "version", "databases"], "additionalProperties": false,
              "properties": { "replica": {{Did}}, "owner": {{Did}}, "version": { "type": "string" }, "databases": {{Strings}} } }
            """,
        ["DelegationToken"] = $$"""
            { "type": "object", "required": ["cid", "token", "chain", "iss", "aud", "sub", "cmd", "pol", "exp", "nbf"], "additionalProperties": false,
              "properties": { "cid": {{Cid}}, "token": { "type": "string", "description": "base64url, no padding" },
                "chain": { "type": "array", "description": "Root first; ends with the token itself.",
                  "items": { "type": "object", "required": ["cid", "token"], "additionalProperties": false, "properties": { "cid": {{Cid}}, "token": { "type": "string" } } } },
                "iss": {{Did}}, "aud": {{Did}}, "sub": { "type": ["string", "null"] }, "cmd": { "type": "string" },
                "pol": { "type": "array", "description": "The UCAN policy as JSON." },
                "exp": { "type": ["integer", "null"], "format": "int64" }, "nbf": { "type": ["integer", "null"], "format": "int64" } } }
            """,
        ["TokenReport"] = $$"""
            { "type": "object", "required": ["cid", "kind", "valid"], "additionalProperties": false,
              "properties": { "cid": {{Cid}}, "kind": { "type": "string" }, "iss": { "type": "string" }, "aud": { "type": "string" },
                "sub": { "type": ["string", "null"] }, "cmd": { "type": "string" }, "pol": { "type": "array" }, "args": { "type": "object" },
                "nbf": { "type": "integer", "format": "int64" }, "exp": { "type": "integer", "format": "int64" },
                "valid": { "type": "boolean" }, "problem": { "type": "string" } } }
            """,
        ["SchemaDiffReport"] = $$"""
            { "type": "object", "description": "What `causeway schema diff --json` prints.", "required": ["migration", "changes"], "additionalProperties": false,
              "properties": { "migration": { "type": ["integer", "null"], "format": "int64" },
                "changes": { "type": "array", "items": { "$ref": "#/components/schemas/SchemaChange" } } } }
            """,
        ["MigrationReport"] = $$"""
            { "type": "object", "description": "What `causeway migrate --json` prints.", "required": ["from", "to", "applied", "changes"], "additionalProperties": false,
              "properties": { "from": { "type": ["integer", "null"], "format": "int64" }, "to": { "type": ["integer", "null"], "format": "int64" },
                "applied": { "type": "boolean" }, "schemaVersion": { "type": "integer", "format": "int64" },
                "changes": { "type": "array", "items": { "$ref": "#/components/schemas/SchemaChange" } } } }
            """,
        ["SchemaChange"] = $$"""
            { "type": "object", "required": ["kind", "collection", "fields", "detail", "breaking"], "additionalProperties": false,
              "properties": { "kind": { "type": "string" }, "collection": { "type": "string" }, "fields": { "type": "array", "items": { "type": "string" } },
                "detail": { "type": "string" }, "breaking": { "type": "boolean" } } }
            """,
        ["TokenRevoked"] = $$"""
            { "type": "object", "required": ["cid", "revoked"], "additionalProperties": false,
              "properties": { "cid": {{Cid}}, "revoked": { "type": "boolean", "const": true } } }
            """,
        ["Document"] = $$"""
            { "type": "object", "description": "A document: its fields (typed values by default) beside `_id`, `_collection` and `_meta`.",
              "required": ["_id", "_collection", "_meta"], "additionalProperties": { "description": "A value (typed forms allowed)." },
              "properties": { "_id": { "type": "string" }, "_collection": { "type": "string" },
                "_meta": { "type": "object", "required": ["commit", "position", "updatedAt", "origin"], "additionalProperties": false,
                  "properties": { "commit": {{NullableCid}}, "position": {{Position}}, "updatedAt": {{Time}}, "origin": {{Did}} } } } }
            """,
        ["DocumentVersion"] = $$"""
            { "type": "object", "required": ["position", "commit", "origin", "time", "deleted", "changes"], "additionalProperties": false,
              "properties": { "position": {{Position}}, "commit": {{Cid}}, "origin": {{Did}}, "time": {{Time}}, "deleted": { "type": "boolean" },
                "changes": { "type": "array", "items": { "type": "object", "required": ["op"], "additionalProperties": false,
                  "properties": { "op": { "type": "string" }, "path": { "type": "string" }, "value": { "description": "A value (typed forms allowed)." } } } } } }
            """,
        ["DocumentHistory"] = """
            { "type": "object", "required": ["versions"], "additionalProperties": false,
              "properties": { "versions": { "type": "array", "items": { "$ref": "#/components/schemas/DocumentVersion" } } } }
            """,
        ["Change"] = $$"""
            { "type": "object", "description": "One commit of the changes feed (also the data of each `change` server-sent event).",
              "required": ["position", "commit", "origin", "time", "docs"], "additionalProperties": false,
              "properties": { "position": {{Position}}, "commit": {{Cid}}, "origin": {{Did}}, "time": {{Time}},
                "docs": { "type": "array", "items": { "type": "object", "required": ["collection", "id", "deleted"], "additionalProperties": false,
                  "properties": { "collection": { "type": "string" }, "id": { "type": "string" }, "deleted": { "type": "boolean" } } } } } }
            """,
        ["ChangesPage"] = $$"""
            { "type": "object", "required": ["changes", "last"], "additionalProperties": false,
              "properties": { "changes": { "type": "array", "items": { "$ref": "#/components/schemas/Change" } }, "last": {{Position}} } }
            """,
        ["VerifyReport"] = $$"""
            { "type": "object", "required": ["ok", "commits", "problems"], "additionalProperties": false,
              "properties": { "ok": { "type": "boolean" }, "commits": {{Count}},
                "problems": { "type": "array", "items": { "type": "object", "required": ["position", "commit", "check", "detail"], "additionalProperties": false,
                  "properties": { "position": { "type": ["integer", "null"], "format": "int64" }, "commit": {{NullableCid}},
                    "check": { "type": "string" }, "detail": { "type": "string" } } } } } }
            """,
        ["ImportResult"] = $$"""
            { "type": "object", "required": ["applied", "skipped", "position"], "additionalProperties": false,
              "properties": { "applied": {{Count}}, "skipped": {{Count}}, "position": {{Position}} } }
            """,
        ["SyncResult"] = $$"""
            { "type": "object", "required": ["peer", "applied", "sent", "skipped", "bytesSent", "bytesReceived", "position", "clock", "elapsedMs"], "additionalProperties": false,
              "properties": { "database": { "type": "string" }, "peer": {{Did}}, "applied": {{Count}}, "sent": {{Count}}, "skipped": {{Count}},
                "bytesSent": {{Count}}, "bytesReceived": {{Count}}, "position": {{Position}}, "clock": {{Clock}}, "elapsedMs": {{Count}} } }
            """,
        ["PeerStatus"] = $$"""
            { "type": "object", "required": ["id", "remote", "peerDid", "role", "direction", "mode", "state", "ahead", "behind", "sent", "applied", "attempts", "since", "lastError"],
              "additionalProperties": false,
              "properties": { "database": { "type": "string" }, "id": { "type": "string" }, "remote": { "type": "string" }, "peerDid": { "type": ["string", "null"] },
                "role": { "type": "string", "enum": ["outbound", "inbound"] }, "direction": { "type": "string", "enum": ["both", "pull", "push"] },
                "mode": { "type": "string", "enum": ["once", "continuous"] }, "state": { "type": "string" },
                "ahead": {{Count}}, "behind": {{Count}}, "sent": {{Count}}, "applied": {{Count}}, "attempts": {{Count}},
                "since": {{Time}}, "lastError": { "type": ["string", "null"] } } }
            """,
        ["PeerList"] = """
            { "type": "object", "required": ["peers"], "additionalProperties": false,
              "properties": { "peers": { "type": "array", "items": { "$ref": "#/components/schemas/PeerStatus" } } } }
            """,
        ["PeerStopped"] = """
            { "type": "object", "required": ["id", "stopped"], "additionalProperties": false,
              "properties": { "id": { "type": "string" }, "stopped": { "type": "boolean", "const": true } } }
            """,
        ["QueryResult"] = $$"""
            { "type": "object", "required": ["docs", "next"], "additionalProperties": false,
              "properties": { "docs": { "type": "array", "items": { "$ref": "#/components/schemas/Document" } },
                "next": { "type": ["string", "null"], "description": "The cursor of the next page (send it as `after`), or null." },
                "position": {{Position}}, "plan": { "$ref": "#/components/schemas/QueryPlan" } } }
            """,
        ["QueryPlan"] = $$"""
            { "type": "object", "required": ["access", "ranges", "order", "fallback", "estimatedRows", "examinedRows", "indexKeysRead", "returnedRows"], "additionalProperties": false,
              "properties": { "access": { "type": "string" }, "ranges": {{Strings}}, "order": { "type": "string" }, "fallback": { "type": ["string", "null"] },
                "estimatedRows": { "type": ["integer", "null"], "format": "int64" }, "examinedRows": {{Count}}, "indexKeysRead": {{Count}}, "returnedRows": {{Count}} } }
            """,
        ["QueryCount"] = $$"""
            { "type": "object", "required": ["count", "position"], "additionalProperties": false,
              "properties": { "count": {{Count}}, "position": {{Position}} } }
            """,
        ["LiveQueryEvent"] = $$"""
            { "type": "object", "description": "The data of a `snapshot` or `delta` server-sent event of a live query.",
              "required": ["kind", "position", "commit", "origin", "local", "entered", "changed", "left"], "additionalProperties": false,
              "properties": { "kind": { "type": "string", "enum": ["snapshot", "delta"] }, "position": {{Position}}, "commit": {{NullableCid}},
                "origin": { "type": ["string", "null"] }, "local": { "type": "boolean" },
                "entered": { "type": "array", "items": { "$ref": "#/components/schemas/Document" } },
                "changed": { "type": "array", "items": { "$ref": "#/components/schemas/Document" } }, "left": {{Strings}} } }
            """,
        ["SchemaInfo"] = $$"""
            { "type": "object", "required": ["collections", "home", "version", "commit", "position", "analysis", "violations"], "additionalProperties": false,
              "properties": { "collections": { "type": "object", "additionalProperties": { "type": "object" } }, "home": { "type": ["string", "null"] },
                "migration": { "type": "integer", "format": "int64", "minimum": 1, "description": "The last migration applied (docs/typed-api.md, Migrations)." },
                "version": {{Count}}, "commit": {{NullableCid}}, "position": {{Position}},
                "analysis": { "type": "array", "items": { "type": "object", "required": ["collection", "constraint", "kind", "technique", "coordinates", "explanation"],
                  "additionalProperties": false, "properties": { "collection": { "type": "string" }, "constraint": { "type": "string" }, "kind": { "type": "string" },
                    "technique": { "type": "string" }, "coordinates": {{Strings}}, "explanation": { "type": "string" } } } },
                "violations": { "type": "array", "items": { "type": "object", "required": ["collection", "id", "constraint", "problem"], "additionalProperties": false,
                  "properties": { "collection": { "type": "string" }, "id": { "type": "string" }, "constraint": { "type": "string" }, "problem": { "type": "string" } } } } } }
            """,
        ["QuotaStatus"] = $$"""
            { "type": "object", "required": ["limits", "usage"], "additionalProperties": false,
              "properties": { "limits": { "$ref": "#/components/schemas/QuotaLimits" },
                "usage": { "type": "object", "required": ["documents", "bytes", "syncSessions"], "additionalProperties": false,
                  "properties": { "documents": {{Count}}, "bytes": {{Count}}, "syncSessions": {{Count}} } } } }
            """,
        ["QuotaLimits"] = """
            { "type": "object", "description": "Each an integer, or null for no limit (a member left out of a PUT is null).", "additionalProperties": false,
              "properties": { "documents": { "type": ["integer", "null"], "format": "int64", "minimum": 0 }, "bytes": { "type": ["integer", "null"], "format": "int64", "minimum": 0 },
                "writesPerSecond": { "type": ["integer", "null"], "format": "int64", "minimum": 1, "maximum": 100000 },
                "syncSessions": { "type": ["integer", "null"], "format": "int64", "minimum": 0 } } }
            """,
        ["FunctionGrant"] = """
            { "type": "object", "required": ["cmd"], "additionalProperties": false,
              "properties": { "cmd": { "type": "string", "enum": ["/doc", "/doc/read", "/doc/write", "/doc/delete"] },
                "collections": { "type": ["array", "null"], "items": { "type": "string" }, "description": "Left out or null: every collection." } } }
            """,
        ["FunctionDefinition"] = """
            { "type": "object", "required": ["source", "role"], "additionalProperties": false,
              "properties": { "source": { "type": "string", "maxLength": 262144 },
                "role": { "type": "array", "maxItems": 64, "items": { "$ref": "#/components/schemas/FunctionGrant" } },
                "args": { "type": "object", "additionalProperties": { "type": "string" }, "description": "{ NAME: TYPE }, TYPE one of string, number, integer, boolean, object, array, any, with ? when optional." } } }
            """,
        ["FunctionInfo"] = $$"""
            { "type": "object", "required": ["name", "source", "role", "definer", "commit", "position"], "additionalProperties": false,
              "properties": { "name": { "type": "string" }, "source": { "type": "string" },
                "role": { "type": "array", "items": { "$ref": "#/components/schemas/FunctionGrant" } },
                "args": { "type": "object", "additionalProperties": { "type": "string" } },
                "definer": { "type": "string" }, "commit": {{Cid}}, "position": {{Position}} } }
            """,
        ["FunctionList"] = """
            { "type": "object", "required": ["functions"], "additionalProperties": false,
              "properties": { "functions": { "type": "array", "items": { "$ref": "#/components/schemas/FunctionInfo" } } } }
            """,
        ["CallResult"] = $$"""
            { "type": "object", "required": ["result", "commit", "position", "replayed"], "additionalProperties": false,
              "properties": { "result": { "description": "A value (typed forms allowed)." }, "commit": {{NullableCid}}, "position": {{Position}}, "replayed": { "type": "boolean" } } }
            """,
        ["FunctionLimits"] = $$"""
            { "type": "object", "description": "A member left out of a PUT takes its default.", "additionalProperties": false,
              "required": ["timeoutMs", "statements", "memoryBytes", "recursionDepth", "arrayLength", "regexTimeoutMs", "resultBytes", "idempotencyHours"],
              "properties": { "timeoutMs": { "type": "number", "maximum": 60000 }, "statements": {{Count}}, "memoryBytes": {{Count}}, "recursionDepth": {{Count}},
                "arrayLength": {{Count}}, "regexTimeoutMs": { "type": "number", "maximum": 10000 }, "resultBytes": {{Count}}, "idempotencyHours": { "type": "number", "maximum": 8760 } } }
            """,

        ["StreamToken"] = """
            { "type": "object", "required": ["token", "db", "expires"], "additionalProperties": false,
              "properties": { "token": { "type": "string", "description": "cws_…: send it as ?access_token= on the changes feed." },
                "db": { "type": "string" }, "expires": { "type": "integer", "format": "int64", "description": "Unix seconds." } } }
            """,
        ["BackupReport"] = $$"""
            { "type": "object", "description": "A backup taken: where it is, which replica, which databases.",
              "required": ["dir", "replica", "databases"], "additionalProperties": false,
              "properties": { "dir": { "type": "string" }, "replica": {{Did}}, "databases": {{Strings}} } }
            """,
        ["HealthReport"] = """
            { "type": "object", "description": "The server's health: Healthy, Degraded or Unhealthy overall (the worst of its checks), and each check (store, sync, disk).",
              "required": ["status", "checks"], "additionalProperties": false,
              "properties": { "status": { "type": "string", "enum": ["Healthy", "Degraded", "Unhealthy"] },
                "checks": { "type": "array", "items": { "type": "object", "required": ["name", "status", "details"], "additionalProperties": false,
                  "properties": { "name": { "type": "string" }, "status": { "type": "string", "enum": ["Healthy", "Degraded", "Unhealthy"] },
                    "description": { "type": ["string", "null"] },
                    "details": { "type": "array", "items": { "type": "object", "required": ["name", "value"], "additionalProperties": false,
                      "properties": { "name": { "type": "string" }, "value": { "type": "string" } } } } } } } } }
            """,

        // ---- request bodies ----
        ["BackupRequest"] = """
            { "type": "object", "required": ["dir"], "additionalProperties": false,
              "properties": { "dir": { "type": "string", "description": "An absolute path on the server's machine, to a folder that does not exist yet or is empty." } } }
            """,
        ["FieldOp"] = """
            { "type": "object", "description": "One change to one field (docs/api.md, Bodies).", "required": ["op", "path"], "additionalProperties": false,
              "properties": { "op": { "type": "string", "enum": ["set", "unset", "increment", "add", "remove", "enable", "disable"] },
                "path": { "type": "string" }, "value": { "description": "A value (typed forms allowed)." }, "by": { "type": "integer", "format": "int64" } } }
            """,
        ["Patch"] = """
            { "type": "object", "required": ["ops"], "additionalProperties": false,
              "properties": { "ops": { "type": "array", "items": { "$ref": "#/components/schemas/FieldOp" } } } }
            """,
        ["TxOp"] = """
            { "type": "object", "description": "One write of a transaction: put (collection, id, doc), create (collection, doc), update (collection, id, ops), delete (collection, id).",
              "required": ["op", "collection"], "additionalProperties": false,
              "properties": { "op": { "type": "string", "enum": ["put", "create", "update", "delete"] }, "collection": { "type": "string" }, "id": { "type": "string" },
                "doc": { "type": "object", "additionalProperties": { "description": "A value (typed forms allowed)." } },
                "ops": { "type": "array", "items": { "$ref": "#/components/schemas/FieldOp" } } } }
            """,
        ["Transaction"] = """
            { "type": "object", "required": ["ops"], "additionalProperties": false,
              "properties": { "ops": { "type": "array", "items": { "$ref": "#/components/schemas/TxOp" } } } }
            """,
        ["DocumentBody"] = """
            { "type": "object", "description": "A document's fields (typed values allowed).", "additionalProperties": { "description": "A value (typed forms allowed)." } }
            """,
        ["Predicate"] = """
            { "type": "object", "description": "{ path, eq|ne|lt|lte|gt|gte: VALUE }, { path, in: [..] }, { path, prefix }, { path, exists }, { path, contains }, { and: [..] }, { or: [..] }, { not: PRED } (docs/queries.md).",
              "additionalProperties": false,
              "properties": { "path": { "type": "string" }, "eq": { "description": "A value (typed forms allowed)." }, "ne": { "description": "A value (typed forms allowed)." },
                "lt": { "description": "A value (typed forms allowed)." }, "lte": { "description": "A value (typed forms allowed)." }, "gt": { "description": "A value (typed forms allowed)." },
                "gte": { "description": "A value (typed forms allowed)." }, "in": { "type": "array", "items": { "description": "A value (typed forms allowed)." } },
                "prefix": { "type": "string" }, "exists": { "type": "boolean" }, "contains": { "description": "A value (typed forms allowed)." },
                "and": { "type": "array", "items": { "$ref": "#/components/schemas/Predicate" } }, "or": { "type": "array", "items": { "$ref": "#/components/schemas/Predicate" } },
                "not": { "$ref": "#/components/schemas/Predicate" } } }
            """,
        ["Query"] = """
            { "type": "object", "required": ["collection"], "additionalProperties": false,
              "properties": { "collection": { "type": "string" }, "where": { "$ref": "#/components/schemas/Predicate" },
                "orderBy": { "type": "array", "items": { "type": "object", "required": ["path"], "additionalProperties": false,
                  "properties": { "path": { "type": "string" }, "desc": { "type": "boolean" } } } },
                "limit": { "type": "integer", "format": "int32", "minimum": 1 }, "after": { "type": "string", "description": "The `next` of the previous page." },
                "at": { "type": ["integer", "string"], "description": "A position, a commit's CID or a time." } } }
            """,
        ["SchemaBody"] = """
            { "type": "object", "description": "A schema (docs/invariants.md).", "additionalProperties": false,
              "properties": { "home": { "type": "string" }, "migration": { "type": "integer", "format": "int64", "minimum": 1 },
                "collections": { "type": "object", "additionalProperties": { "type": "object" } } } }
            """,
        ["Reservation"] = """
            { "type": "object", "required": ["collection", "fields", "ranges", "replica"], "additionalProperties": false,
              "properties": { "collection": { "type": "string" }, "fields": { "type": "array", "items": { "type": "string" } }, "ranges": { "type": "string" }, "replica": { "type": "string" } } }
            """,
        ["Replicate"] = """
            { "type": "object", "required": ["peer"], "additionalProperties": false,
              "properties": { "peer": { "type": "string", "format": "uri" }, "token": { "type": "string" },
                "mode": { "type": "string", "enum": ["once", "continuous"] }, "direction": { "type": "string", "enum": ["both", "pull", "push"] },
                "collections": { "type": "array", "items": { "type": "string" } } } }
            """,
        ["TokenRequest"] = """
            { "type": "object", "required": ["audience", "command", "expires"], "additionalProperties": false,
              "properties": { "audience": { "type": "string" }, "command": { "type": "string" }, "db": { "type": "string" }, "coll": { "type": "string" },
                "id": { "type": "string" }, "idPrefix": { "type": "string" }, "policy": { "type": "array" },
                "expires": { "type": "integer", "format": "int64" }, "notBefore": { "type": "integer", "format": "int64" } } }
            """,
        ["FunctionLimitsBody"] = """
            { "type": "object", "description": "Every member optional: one left out takes its default.", "additionalProperties": false,
              "properties": { "timeoutMs": { "type": "number" }, "statements": { "type": "integer" }, "memoryBytes": { "type": "integer" }, "recursionDepth": { "type": "integer" },
                "arrayLength": { "type": "integer" }, "regexTimeoutMs": { "type": "number" }, "resultBytes": { "type": "integer" }, "idempotencyHours": { "type": "number" } } }
            """,
        ["HeldToken"] = """
            { "type": "object", "required": ["token"], "additionalProperties": false, "properties": { "token": { "type": "string", "description": "base64url" } } }
            """,
    };
}
