using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Causeway.Bench;

/// <summary>The peer for durable single-document commits: SQLite in WAL mode with synchronous=FULL,
/// one transaction per insert, one connection per concurrent writer.</summary>
internal static class SqliteBaseline
{
    public static async Task<double> CommitsPerSecondAsync(string folder, int writers, int commitsPerWriter, string document)
    {
        Directory.CreateDirectory(folder);
        string connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "bench.db"), Pooling = false }.ToString();
        using (var setup = new SqliteConnection(connectionString))
        {
            setup.Open();
            Execute(setup, "PRAGMA journal_mode=WAL;");
            Execute(setup, "CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, body TEXT NOT NULL);");
        }
        // Warm up the same way as the Causeway side: the JIT and the file.
        using (var warm = new SqliteConnection(connectionString))
        {
            warm.Open();
            Execute(warm, "PRAGMA synchronous=FULL;");
            var until = Stopwatch.StartNew();
            for (int i = 0; i < 300 || (writers > 0 && commitsPerWriter > 100 && until.Elapsed < TimeSpan.FromSeconds(2)); i++)
            {
                using var tx = warm.BeginTransaction(deferred: false);
                using var insert = warm.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT OR REPLACE INTO docs (id, body) VALUES ($id, $body)";
                insert.Parameters.AddWithValue("$id", $"warm-{i % 50}");
                insert.Parameters.AddWithValue("$body", document);
                insert.ExecuteNonQuery();
                tx.Commit();
            }
        }
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=60000;");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO docs (id, body) VALUES ($id, $body)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            insert.Parameters.AddWithValue("$body", document);
            for (int i = 0; i < commitsPerWriter; i++)
            {
                using var tx = connection.BeginTransaction(deferred: false);
                insert.Transaction = tx;
                id.Value = $"w{w}-{i}";
                insert.ExecuteNonQuery();
                tx.Commit();
            }
        })));
        return writers * commitsPerWriter / clock.Elapsed.TotalSeconds;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
