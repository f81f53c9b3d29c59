using Causeway.Tests.Support;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Encoding;
using Causeway.Values;

namespace Causeway.Tests.Ledger;

/// <summary>docs/ledger-format.md is exact: a script using only standard IPLD libraries and Node's
/// Ed25519 (tests/js/verify-ledger.mjs) verifies every commit the engine writes, and catches a
/// tampered one.</summary>
public sealed class ExternalVerificationTests
{
    [Fact]
    public async Task Standard_tools_verify_a_causeway_ledger_and_catch_tampering()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("acme");
        var commits = new List<WriteResult>
        {
            await db.PutJsonAsync("items", "i1", """{"name": "ünï", "price": 2.5, "big": 9007199254740993, "when": {"$time": "2026-01-01T00:00:00Z"}}"""),
            await db.PatchAsync("items", "i1", FieldOp.Increment("n", -3), FieldOp.Add("tags", Value.String("x")), FieldOp.Enable("live")),
            await db.TransactAsync(tx =>
            {
                tx.Put("items", "i2", Value.Map([new("d", Value.Decimal(1.50m))]));
                tx.Delete("items", "i1");
                return Task.CompletedTask;
            }),
        };
        var entries = new List<object>();
        foreach (var result in commits)
        {
            var record = db.Stored.CommitRecordOf(result.Commit)!;
            entries.Add(new { cid = result.Commit.ToString(), block = Convert.ToHexString(record.Block), ops = record.OpBlocks.Select(b => Convert.ToHexString(b!)).ToArray() });
        }
        // A forged copy of the last commit: one byte of its signature flipped, re-addressed.
        var last = db.Stored.CommitRecordOf(commits[^1].Commit)!;
        var forged = (byte[])last.Block.Clone();
        int sigAt = IndexOf(forged, "sig"u8.ToArray()) + 5;
        forged[sigAt] ^= 1;
        entries.Add(new { cid = Cid.ForDagCbor(forged).ToString(), block = Convert.ToHexString(forged), ops = last.OpBlocks.Select(b => Convert.ToHexString(b!)).ToArray() });

        var results = NodeScript.Run("verify-ledger.mjs", JsonSerializer.Serialize(entries));
        Assert.Equal(4, results.GetArrayLength());
        for (int i = 0; i < 3; i++)
            Assert.True(results[i].GetProperty("problems").GetArrayLength() == 0, $"commit {i}: {results[i]}");
        Assert.Equal(["signature"], results[3].GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}

/// <summary>An exported ledger is a CAR that the standard @ipld/car reader opens, with every block intact.</summary>
public sealed class ExternalCarTests
{
    [Fact]
    public async Task The_standard_car_reader_reads_an_exported_ledger()
    {
        await using var replica = Replica.OpenInMemory();
        var db = await replica.CreateDatabaseAsync("shop");
        for (int i = 0; i < 12; i++) await db.PutJsonAsync("c", $"d{i % 4}", $$"""{"i": {{i}}}""");
        using var car = new MemoryStream();
        Assert.Equal(12, await db.ExportAsync(car));

        var root = Causeway.Tests.Encoding.RepoRoot.Find();
        var start = new System.Diagnostics.ProcessStartInfo("node") { WorkingDirectory = Path.Combine(root, "tests", "js"), RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("read-car.mjs");
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(car.ToArray());
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"node failed (run `npm ci --prefix tests/js`): {error}");
        var result = JsonDocument.Parse(output).RootElement;
        var info = await db.InfoAsync();
        Assert.Equal(info.Heads.Select(h => h.ToString()), result.GetProperty("roots").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(24, result.GetProperty("blocks").GetInt32());
        Assert.True(result.GetProperty("commits").GetInt32() == 12, output);
        Assert.Equal(0, result.GetProperty("bad").GetArrayLength());
    }
}
