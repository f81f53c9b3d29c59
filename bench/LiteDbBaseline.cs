using LiteDB;

namespace Causeway.Bench;

/// <summary>LiteDB 5 as the peer of the embedded query benchmarks: the same documents as BSON in one
/// collection, with its own indexes (<c>EnsureIndex</c>) on the queried fields.</summary>
internal sealed class LiteDbBaseline : IDisposable
{
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<BsonDocument> _items;

    private LiteDbBaseline(LiteDatabase database)
    {
        _database = database;
        _items = database.GetCollection(QueryData.Collection);
    }

    /// <summary>Loads the documents (bulk inserts of 10,000), then builds the indexes.</summary>
    public static LiteDbBaseline Load(string folder, QueryData data)
    {
        Directory.CreateDirectory(folder);
        var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(folder, "query.litedb"), Connection = ConnectionType.Direct });
        var baseline = new LiteDbBaseline(database);
        for (int start = 0; start < data.Count; start += 10_000)
        {
            var batch = new List<BsonDocument>(10_000);
            for (int i = start; i < Math.Min(data.Count, start + 10_000); i++)
            {
                var document = JsonSerializer.Deserialize(data.Json(i)).AsDocument;
                document["_id"] = QueryData.Id(i);
                batch.Add(document);
            }
            baseline._items.InsertBulk(batch, batch.Count);
        }
        baseline._items.EnsureIndex("status");
        baseline._items.EnsureIndex("price");
        baseline._items.EnsureIndex("sku");
        baseline._items.EnsureIndex("category");
        database.Checkpoint();
        return baseline;
    }

    public IReadOnlyList<string> Run(QueryCase c)
    {
        var documents = Query(c).ToList();
        var ids = new List<string>(documents.Count);
        foreach (var document in documents) ids.Add(document["_id"].AsString);
        return ids;
    }

    /// <summary>LiteDB's plan of a query kind, on one line (its index and the cost it expects).</summary>
    public string Plan(QueryCase c)
    {
        var plan = Query(c).GetPlan();
        return plan.TryGetValue("index", out var index) ? index.ToString() : plan.ToString();
    }

    private ILiteQueryableResult<BsonDocument> Query(QueryCase c) => c.Kind switch
    {
        QueryKind.Equality => _items.Query().Where(LiteDB.Query.EQ("status", c.Status)).Limit(QueryData.Limit),
        // Between is inclusive and seeks the index (an And of GTE and LT scans it): High − 0.001 excludes
        // High itself, and no price lies between the two (prices are whole or end in 0.xx5).
        QueryKind.Range => _items.Query().Where(LiteDB.Query.Between("price", c.Low, c.High - 0.001)).Limit(QueryData.Limit),
        QueryKind.Prefix => _items.Query().Where(LiteDB.Query.StartsWith("sku", c.Prefix)).Limit(QueryData.Limit),
        _ => _items.Query().Where(LiteDB.Query.EQ("category", c.Category)).OrderByDescending("price").Limit(QueryData.Limit),
    };

    public void Dispose() => _database.Dispose();
}
