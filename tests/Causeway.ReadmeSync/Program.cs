using Causeway;

await using var replica = await Replica.OpenAsync("./data");
var server = new Uri("http://127.0.0.1:7480");
string token = File.ReadAllText("causeway-data/admin.token").Trim();

var result = await replica.SyncWithServerAsync("shop", server, token);    // creates "shop" here if missing
Console.WriteLine($"{result.Applied} commits applied here, {result.Sent} sent");

await using var link = await replica.ReplicateWithServerAsync("shop", server, token);   // stays live
Console.WriteLine(link.Status.State);                               // "live" once the session is up
