using Microsoft.Data.Sqlite;

namespace Causeway.Bench;

/// <summary>SQLite as the peer of the embedded query benchmarks: the documents as JSON text in one
/// table, with expression indexes on the queried paths, and queries that use the same
/// <c>json_extract</c> expressions so SQLite can use them (checked with EXPLAIN QUERY PLAN).</summary>
internal sealed class SqliteQueryBaseline : IDisposable
{
    private const string Status = "json_extract(body, '$.status')";
    private const string Price = "json_extract(body, '$.price')";
    private const string Sku = "json_extract(body, '$.sku')";
    private const string Category = "json_extract(body, '$.category')";

    private readonly SqliteConnection _connection;
    private readonly Dictionary<QueryKind, SqliteCommand> _commands = [];

    private SqliteQueryBaseline(SqliteConnection connection)
    {
        _connection = connection;
        // The prefix is a range of the expression (SKUs are ASCII): LIKE cannot use an expression index.
        _commands[QueryKind.Equality] = Command($"SELECT id, body FROM docs WHERE {Status} = $a LIMIT {QueryData.Limit}");
        _commands[QueryKind.Range] = Command($"SELECT id, body FROM docs WHERE {Price} >= $a AND {Price} < $b LIMIT {QueryData.Limit}");
        _commands[QueryKind.Prefix] = Command($"SELECT id, body FROM docs WHERE {Sku} >= $a AND {Sku} < $b LIMIT {QueryData.Limit}");
        _commands[QueryKind.TopK] = Command($"SELECT id, body FROM docs WHERE {Category} = $a ORDER BY {Price} DESC LIMIT {QueryData.Limit}");
    }

    /// <summary>Loads the documents (10,000 per transaction), then builds the indexes.</summary>
    public static SqliteQueryBaseline Load(string folder, QueryData data)
    {
        Directory.CreateDirectory(folder);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "query.db"), Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute(connection, "CREATE TABLE docs (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
        for (int start = 0; start < data.Count; start += 10_000)
        {
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO docs (id, body) VALUES ($id, $body)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var body = insert.Parameters.Add("$body", SqliteType.Text);
            for (int i = start; i < Math.Min(data.Count, start + 10_000); i++)
            {
                id.Value = QueryData.Id(i);
                body.Value = data.Json(i);
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        Execute(connection, $"CREATE INDEX docs_status ON docs({Status})");
        Execute(connection, $"CREATE INDEX docs_price ON docs({Price})");
        Execute(connection, $"CREATE INDEX docs_sku ON docs({Sku})");
        Execute(connection, $"CREATE INDEX docs_category_price ON docs({Category}, {Price})");
        Execute(connection, "ANALYZE");
        return new SqliteQueryBaseline(connection);
    }

    /// <summary>The document ids of one query's answer (each body is read too, as the other engines read theirs).</summary>
    public IReadOnlyList<string> Run(QueryCase c)
    {
        var command = _commands[c.Kind];
        var (a, b) = Arguments(c);
        command.Parameters["$a"].Value = a;
        if (b is not null) command.Parameters["$b"].Value = b;
        var ids = new List<string>(QueryData.Limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
            _ = reader.GetString(1);
        }
        return ids;
    }

    /// <summary>EXPLAIN QUERY PLAN of a query kind, on one line: which index, if any, it uses.</summary>
    public string Plan(QueryCase c)
    {
        using var explain = _connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + _commands[c.Kind].CommandText;
        var (a, b) = Arguments(c);
        explain.Parameters.AddWithValue("$a", a);
        if (b is not null) explain.Parameters.AddWithValue("$b", b);
        var details = new List<string>();
        using var reader = explain.ExecuteReader();
        while (reader.Read()) details.Add(reader.GetString(3));
        return string.Join("; ", details);
    }

    /// <summary>The values of $a and $b ($b null when the query has one parameter).</summary>
    private static (object A, object? B) Arguments(QueryCase c) => c.Kind switch
    {
        QueryKind.Equality => (c.Status, null),
        QueryKind.Range => (c.Low, c.High),
        QueryKind.Prefix => (c.Prefix, c.Prefix[..^1] + (char)(c.Prefix[^1] + 1)),
        _ => (c.Category, null),
    };

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        var type = sql.Contains(Price + " >=", StringComparison.Ordinal) ? SqliteType.Integer : SqliteType.Text;
        command.Parameters.Add("$a", type);
        if (sql.Contains("$b", StringComparison.Ordinal)) command.Parameters.Add("$b", type);
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _connection.Dispose();
    }
}
