using Causeway.Queries;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Queries;

/// <summary>The same scan on the default RocksDB store, warm and after a reopen (cold cache): every
/// position of a history with updates, deletes and recreations reads as GetAsync does.</summary>
public sealed class QueryOnDiskTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_position_reads_as_get_does_warm_and_cold()
    {
        var positions = new List<long>();
        var ids = Enumerable.Range(0, 12).Select(i => $"k{i}").ToArray();
        await using (var replica = await Replica.OpenAsync(_folder.Path))
        {
            var db = await replica.CreateDatabaseAsync("disk");
            for (int round = 0; round < 6; round++)
            {
                var result = await db.TransactAsync(async tx =>
                {
                    for (int i = 0; i < ids.Length; i++)
                    {
                        bool exists = await tx.GetAsync("c", ids[i]) is not null;
                        if ((i + round) % 4 == 0 && exists) tx.Delete("c", ids[i]);
                        else if ((i * round) % 3 != 1) tx.Put("c", ids[i], Value.Map([new("v", Value.Int(round * 100 + i)), new("r", Value.Int(round))]));
                    }
                });
                positions.Add(result.Position);
                await db.PutJsonAsync("d", "other", $$"""{"r": {{round}}}""");   // another collection, interleaved
            }
            await CheckAll(db, ids, positions);
        }
        await using (var reopened = await Replica.OpenAsync(_folder.Path))
            await CheckAll(reopened.GetDatabase("disk"), ids, positions);
    }

    private static async Task CheckAll(Database db, string[] ids, List<long> positions)
    {
        foreach (long position in positions.Prepend(0))
        {
            var at = ReadPoint.AtPosition(position);
            var expected = new List<string>();
            foreach (var id in ids.Order(StringComparer.Ordinal))
                if (await db.GetAsync("c", id, at) is { } doc) expected.Add(doc.ToJson());

            var walked = new List<string>();
            var query = Query.In("c").Take(2).At(at);
            for (string? next = null; ;)
            {
                var page = await db.QueryAsync(query.After(next));
                walked.AddRange(page.Documents.Select(d => d.ToJson()));
                if ((next = page.Next) is null) break;
            }
            Assert.Equal(expected, walked);
            var recent = await db.QueryAsync(Query.In("c").Where(Pred.Gte("r", Value.Int(3))).OrderBy("v", desc: true).At(at));
            Assert.Equal(expected.Count(j => ValueJson.Parse(j).Get("r")!.AsInt() >= 3), recent.Documents.Count);
        }
    }
}
