using Causeway.Queries;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Cli.Demos;

/// <summary>What one replica holds at the end of a run: its heads, every document of the exchange's
/// collections, the records of stored-function calls, and the result of verifying its ledger.</summary>
internal sealed record Snapshot(Site Site, string Heads, long Commits, IReadOnlyDictionary<string, IReadOnlyList<Document>> Collections, IReadOnlyList<Document> Calls, VerifyReport Verify)
{
    public IReadOnlyList<Document> this[string collection] => Collections[collection];

    public int Documents => Collections.Values.Sum(c => c.Count);

    /// <summary>Every document as collection/id and its fields, in order: equal on two replicas exactly when they hold the same data.</summary>
    public string Contents => string.Join("\n", ExchangeSchema.Collections.SelectMany(c => this[c].Select(d => $"{c}/{d.Id} {ValueJson.ToJsonString(d.Fields)}")));

    /// <summary>Reads <paramref name="site"/> whole, again if a commit arrived meanwhile, so the parts agree.</summary>
    public static async Task<Snapshot> TakeAsync(Site site, CancellationToken cancellation)
    {
        while (true)
        {
            var info = await site.Db.InfoAsync(cancellation);
            var collections = new Dictionary<string, IReadOnlyList<Document>>();
            foreach (var collection in ExchangeSchema.Collections) collections[collection] = await ReadAllAsync(site.Db, collection, cancellation);
            var calls = await ReadAllAsync(site.Db, SystemCollections.Calls, cancellation);
            if (await site.Db.InfoAsync(cancellation) is var after && after.Position != info.Position) continue;
            return new Snapshot(site, Network.Heads(info), info.Commits, collections, calls, await site.Db.VerifyAsync(cancellation));
        }
    }

    private static async Task<IReadOnlyList<Document>> ReadAllAsync(Database db, string collection, CancellationToken cancellation)
    {
        var documents = new List<Document>();
        var query = Query.In(collection).Take(Query.MaxLimit);
        do
        {
            var page = await db.QueryAsync(query, cancellation);
            documents.AddRange(page.Documents);
            query = page.Next is { } next ? query.After(next) : null;
        }
        while (query is not null);
        return documents;
    }
}
