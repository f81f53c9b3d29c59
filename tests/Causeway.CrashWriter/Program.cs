// The child process of the durability tests and the soak benchmark. It opens a replica on the
// folder in args[0], then commits forever from several concurrent writers and prints one line
// "ACK <commit-cid> <collection> <id> <n>" per acknowledged commit, flushed at once. The parent
// kills it with SIGKILL at a random moment and checks that every line it read is still there.
// An optional third argument sizes the store's write buffer: small, RocksDB moves to another
// write-ahead log every few dozen commits and, from the second move on, reuses an old one in place.
using Causeway;
using Causeway.Values;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Causeway.CrashWriter DATA-DIR [WRITERS [WRITE-BUFFER-BYTES]]");
    return 2;
}
int writers = args.Length > 1 ? int.Parse(args[1]) : 8;

var options = args.Length > 2 ? new ReplicaOptions { StoreWriteBufferBytes = long.Parse(args[2]) } : new ReplicaOptions();
await using var replica = await Replica.OpenAsync(args[0], options);
var db = replica.TryGetDatabase("crash") ?? await replica.CreateDatabaseAsync("crash");
string run = Guid.NewGuid().ToString("n")[..8];
Console.WriteLine($"READY {replica.Did}");

// The writers hand their lines to one printer and go on: a parent slow to read the pipe must not
// stall the writers (then a kill would find every commit synced and nothing in flight to lose).
var lines = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });
var printing = Task.Run(async () =>
{
    var stdout = Console.Out;
    while (await lines.Reader.WaitToReadAsync())
    {
        while (lines.Reader.TryRead(out var line)) stdout.WriteLine(line);
        stdout.Flush();
    }
});

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    for (long n = 0; ; n++)
    {
        string id = $"{run}-{w}-{n}";
        var doc = Value.Map([new("writer", Value.Int(w)), new("n", Value.Int(n)), new("body", Value.String(new string('x', 200)))]);
        var result = n % 5 == 4
            ? await db.TransactAsync(tx =>
            {
                tx.Put("items", id, doc);
                tx.Put("totals", $"{run}-{w}", Value.Map([new("last", Value.Int(n))]));
                return Task.CompletedTask;
            })
            : await db.PutAsync("items", id, doc);
        lines.Writer.TryWrite($"ACK {result.Commit} items {id} {n}");
    }
})));
await printing;
return 0;
