namespace Causeway.Authority;

/// <summary>Causeway's command tree. A capability for a command covers the commands under it by whole
/// segments (<c>/doc</c> covers <c>/doc/read</c>, <c>/</c> covers everything). The subject of every
/// command is the database owner's DID; the resource is in the arguments (<see cref="Resource"/>).</summary>
public static class Commands
{
    /// <summary>Everything.</summary>
    public const string All = "/";

    /// <summary>Read documents and query them, follow the changes feed (args: db, coll, id when one document).</summary>
    public const string DocRead = "/doc/read";

    /// <summary>Create and change documents (args: db, coll, id).</summary>
    public const string DocWrite = "/doc/write";

    /// <summary>Delete documents (args: db, coll, id).</summary>
    public const string DocDelete = "/doc/delete";

    /// <summary>Read a document's history, export and verify the ledger (args: db, coll and id for one document).</summary>
    public const string HistoryRead = "/history/read";

    /// <summary>Read a database's schema (args: db).</summary>
    public const string SchemaRead = "/schema/read";

    /// <summary>Set a database's schema (args: db).</summary>
    public const string SchemaWrite = "/schema/write";

    /// <summary>See that a database exists and read its information (args: db).</summary>
    public const string DbRead = "/db/read";

    /// <summary>Create a database (args: db, the new one).</summary>
    public const string DbCreate = "/db/create";

    /// <summary>Administer a database: drop it, set its quotas, manage its peers, revoke delegations in it (args: db).</summary>
    public const string DbAdmin = "/db/admin";

    /// <summary>Receive a database's commits by sync (args: db).</summary>
    public const string SyncPull = "/sync/pull";

    /// <summary>Send commits to a database by sync (args: db).</summary>
    public const string SyncPush = "/sync/push";

    /// <summary>Call a stored function (args: db, fn).</summary>
    public const string FnCall = "/fn/call";

    /// <summary>Define or replace a stored function (args: db, fn).</summary>
    public const string FnDefine = "/fn/define";

    /// <summary>Have the server issue a delegation (args: db).</summary>
    public const string TokenIssue = "/token/issue";

    /// <summary>Every command above, for documentation and checks.</summary>
    public static IReadOnlyList<string> Known { get; } =
        [DocRead, DocWrite, DocDelete, HistoryRead, SchemaRead, SchemaWrite, DbRead, DbCreate, DbAdmin, SyncPull, SyncPush, FnCall, FnDefine, TokenIssue];

    /// <summary>What the server's read token may do: read documents, history, schemas and database
    /// information, and pull a database by sync (which reads all of those).</summary>
    public static IReadOnlyList<string> Reading { get; } = [DocRead, HistoryRead, SchemaRead, DbRead, SyncPull];
}
