using System.Text.Json;
using Causeway.Authority;
using Causeway.Cli.Commands;
using Causeway.Tests.Support;
using Causeway.Values;

namespace Causeway.Tests.Cli;

/// <summary>`causeway token delegate|inspect|issue|revoke` and the global --key/--proof: chains signed
/// locally that the validator accepts, refusals as one line with exit code 2 and nothing written, a
/// chain read back link by link, and (against <see cref="UcanServerStub"/> until the server accepts
/// UCAN) issue, revoke and a data command signed with a key.</summary>
public sealed class TokenCommandTests
{
    private sealed class Principals : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public PrincipalKey Owner { get; } = PrincipalKey.Create();
        public PrincipalKey Alice { get; } = PrincipalKey.Create();
        public PrincipalKey Device { get; } = PrincipalKey.Create();

        public Principals()
        {
            Owner.Save(File("owner.key"));
            Alice.Save(File("alice.key"));
            Device.Save(File("device.key"));
        }

        public string File(string name) => Path.Combine(Folder.Path, name);

        public void Dispose()
        {
            Owner.Dispose();
            Alice.Dispose();
            Device.Dispose();
            Folder.Dispose();
        }
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static async Task<(string Out, string Err)> Ok(params string[] args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        return (output, error);
    }

    /// <summary>owner → alice: /doc (or <paramref name="command"/>) on acme and below, into alice.chain.</summary>
    private static async Task<string> AliceChainAsync(Principals p, string command = "/doc")
    {
        var (output, error) = await Ok("token", "delegate", "--key", p.File("owner.key"), "--to", p.Alice.Did, "--command", command, "--db", "acme", "--out", p.File("alice.chain"));
        Assert.Equal("", output);
        var root = Assert.Single(ChainFile.Load(p.File("alice.chain")));
        Assert.Equal(root.Cid.ToString(), error.Trim());
        return p.File("alice.chain");
    }

    [Fact]
    public async Task Delegate_signs_a_chain_the_validator_accepts_and_inspect_shows_it_valid()
    {
        using var p = new Principals();
        string aliceChain = await AliceChainAsync(p);
        var (output, error) = await Ok("token", "delegate", "--key", p.File("alice.key"), "--proof", aliceChain, "--to", p.Device.Did,
            "--command", "/doc/read", "--db", "acme", "--coll", "orders", "--id-prefix", "d1-", "--expires", "2h");
        var chain = ChainFile.Parse(output);
        Assert.Equal(2, chain.Count);
        Assert.Equal(chain[1].Cid.ToString(), error.Trim());
        Assert.Equal((p.Alice.Did, p.Device.Did, p.Owner.Did, "/doc/read"), (chain[1].Issuer, chain[1].Audience, chain[1].Subject, chain[1].Command));
        Assert.InRange(chain[1].Expiration!.Value - Now, 7190, 7200);
        var proven = ProofChain.Establish(p.Device.Did, p.Owner.Did, chain, Now);
        Assert.True(proven.Allows(Commands.DocRead, Resource.Of("acme", "orders", "d1-7")));
        Assert.False(proven.Allows(Commands.DocRead, Resource.Of("acme", "orders", "d2-7")));
        Assert.False(proven.Allows(Commands.DocWrite, Resource.Of("acme", "orders", "d1-7")));

        // The default subject is the key's own DID without --proof; 'never' makes one that does not expire.
        (output, _) = await Ok("token", "delegate", "--key", p.File("owner.key"), "--to", p.Alice.Did, "--command", "/", "--expires", "never");
        var own = Assert.Single(ChainFile.Parse(output));
        Assert.Equal(p.Owner.Did, own.Subject);
        Assert.Null(own.Expiration);

        // Inspect, piped: one JSON object per link, all valid, exit 0; from a file, from stdin and as a token.
        File.WriteAllText(p.File("device.chain"), ChainFile.Format(chain));
        var (exit, json, stderr) = await CliProcess.RunAsync(["token", "inspect", p.File("device.chain")]);
        Assert.True(exit == 0, stderr);
        var reports = json.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(chain.Select(c => c.Cid.ToString()), reports.Select(r => r.GetProperty("cid").GetString()));
        Assert.All(reports, r => Assert.True(r.GetProperty("valid").GetBoolean()));
        Assert.Equal("/doc/read", reports[1].GetProperty("cmd").GetString());
        Assert.Equal(2, (await CliProcess.RunAsync(["token", "inspect", "-"], stdin: ChainFile.Format(chain))).Out.Trim().Split('\n').Length);
        Assert.Equal(0, (await CliProcess.RunAsync(["token", "inspect", TokenText.Encode(chain[0])])).Exit);
    }

    [Fact]
    public async Task Bad_input_is_one_line_exit_2_and_nothing_written()
    {
        using var p = new Principals();
        string aliceChain = await AliceChainAsync(p);
        File.WriteAllBytes(p.File("short.key"), [1, 2, 3]);
        File.WriteAllText(p.File("bad.chain"), "# a comment\nnot-a-token\n");
        string outFile = p.File("new.chain");
        string[] Delegate(params string[] args) => ["token", "delegate", .. args, "--out", outFile];
        var cases = new (string[] Args, string Says)[]
        {
            (Delegate("--key", p.File("alice.key"), "--to", "did:key:nope", "--command", "/doc"), "did:key"),
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "doc/read"), "not a command"),
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "/doc", "--expires", "3 fortnights"), "duration"),
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "/doc", "--expires", "2020-01-01"), "in the past"),
            (Delegate("--key", p.File("missing.key"), "--to", p.Device.Did, "--command", "/doc"), "not a key file"),
            (Delegate("--key", p.File("short.key"), "--to", p.Device.Did, "--command", "/doc"), "32-byte"),
            (Delegate("--key", p.File("alice.key"), "--proof", p.File("bad.chain"), "--to", p.Device.Did, "--command", "/doc"), "line 2"),
            // The chain is alice's, not the device's: it does not line up.
            (Delegate("--key", p.File("device.key"), "--proof", aliceChain, "--to", p.Alice.Did, "--command", "/doc/read"), "would not be valid"),
            // Outside what the chain proves: another command, another database.
            (Delegate("--key", p.File("alice.key"), "--proof", aliceChain, "--to", p.Device.Did, "--command", "/db/admin"), "does not cover /db/admin"),
            (Delegate("--key", p.File("alice.key"), "--proof", aliceChain, "--to", p.Device.Did, "--command", "/doc/read", "--db", "other"), "does not allow"),
            // Without proofs, a subject other than the key's own has no root.
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "/doc", "--subject", p.Owner.Did), "would not be valid"),
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "/doc", "--id", "d1"), "--id needs --coll"),
            (Delegate("--key", p.File("alice.key"), "--to", p.Device.Did, "--command", "/doc", "--policy", "[1]"), "Not a policy"),
            (["token", "inspect", p.File("nope.chain")], "neither a chain file nor a token"),
            (["token", "inspect", "garbage"], "not a token"),
            (["token", "issue", "--url", "http://127.0.0.1:9", "--token", "t", "--to", "nope", "--command", "/doc"], "did:key"),
            (["token", "issue", "--url", "http://127.0.0.1:9", "--token", "t", "--to", p.Device.Did, "--command", "/doc", "--expires", "never"], "expire"),
            (["token", "issue", "--to", p.Device.Did, "--command", "/doc"], "needs --url"),
            (["token", "issue", "--url", "http://127.0.0.1:9", "--key", p.File("device.key"), "--proof", aliceChain, "--command", "/doc"], "invoker"),
            (["token", "revoke", "not-a-cid", "--url", "http://127.0.0.1:9", "--token", "t"], "CID"),
            (["db", "list", "--url", "http://127.0.0.1:9", "--token", "t", "--key", p.File("alice.key")], "either --token or --key"),
            (["db", "list", "--url", "http://127.0.0.1:9", "--token", "t", "--proof", aliceChain], "--proof goes with --key"),
            (["db", "list", "--data", p.File("data"), "--key", p.File("alice.key")], "with --url"),
        };
        foreach (var (args, says) in cases)
        {
            var (exit, output, error) = await CliProcess.RunAsync(args);
            string shown = $"causeway {string.Join(' ', args)}: {error}";
            Assert.True(exit == 2, $"exit {exit}, {shown}");
            Assert.Equal("", output);
            Assert.Single(error.Trim().Split('\n'));
            Assert.StartsWith("causeway: ", error);
            Assert.True(error.Contains(says, StringComparison.Ordinal), shown);
            Assert.False(File.Exists(outFile), shown);
        }
        Assert.False(Directory.Exists(p.File("data")));
    }

    [Fact]
    public async Task Inspect_names_the_link_that_is_not_valid_and_exits_1()
    {
        using var p = new Principals();
        var root = Delegation.Create(p.Owner, p.Alice.Did, p.Owner.Did, "/doc", Scope.Database("acme"), DateTimeOffset.UtcNow.AddDays(1));
        var expired = Delegation.Create(p.Alice, p.Device.Did, p.Owner.Did, "/doc/read", expires: DateTimeOffset.UtcNow.AddHours(-1));
        var stray = Delegation.Create(p.Device, p.Alice.Did, p.Owner.Did, "/doc/read", expires: DateTimeOffset.UtcNow.AddHours(1));

        var (exit, output, error) = await CliProcess.RunAsync(["token", "inspect", "-"], stdin: ChainFile.Format([root, expired]));
        Assert.Equal(1, exit);
        Assert.Equal("", error);
        var reports = output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(reports[0].GetProperty("valid").GetBoolean());
        Assert.False(reports[1].GetProperty("valid").GetBoolean());
        Assert.StartsWith("expired at", reports[1].GetProperty("problem").GetString());

        // Root then a link alice did not get: the device delegates what was never delegated to it.
        (exit, output, _) = await CliProcess.RunAsync(["token", "inspect", $"{TokenText.Encode(root)},{TokenText.Encode(stray)}"]);
        Assert.Equal(1, exit);
        Assert.Contains("delegates to " + p.Alice.Did, output.Trim().Split('\n')[1]);
    }

    [Fact]
    public void Inspect_reads_as_text_link_by_link()
    {
        using var p = new Principals();
        var root = Delegation.Create(p.Owner, p.Alice.Did, p.Owner.Did, "/doc", Scope.Database("acme"));
        var link = Delegation.Create(p.Alice, p.Device.Did, p.Owner.Did, "/doc/read", Scope.IdPrefix("acme", "orders", "d1-"),
            expires: DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000), notBefore: DateTimeOffset.UnixEpoch.AddSeconds(1_690_000_000));
        long now = 1_695_000_000;
        var links = TokenInspection.Inspect([TokenText.Encode(root), TokenText.Encode(link), root.Cid.ToString()], now);
        var (valid, summary) = TokenInspection.Summarize(links, now);
        Assert.False(valid);
        var text = string.Join("\n", InspectionText.Lines(links, summary));
        Assert.Contains($"1. {root.Cid}  delegation", text);
        Assert.Contains($"   who    {p.Owner.Did} → {p.Alice.Did}", text);
        Assert.Contains($"   on     {p.Owner.Did}: db is acme or under acme.", text);
        Assert.Contains("   from   any time   until  never", text);
        Assert.Contains($"   on     {p.Owner.Did}: db is acme, coll is orders, id starts with d1-", text);
        Assert.Contains("   from   2023-07-22 04:26:40Z   until  2023-11-14 22:13:20Z", text);
        Assert.Contains($"3. {root.Cid}  a CID only", text);
        Assert.Contains("chain  not valid now: link 3: only the CID is here", text);
        Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("   valid  ", StringComparison.Ordinal)));

        links = TokenInspection.Inspect([TokenText.Encode(root), TokenText.Encode(link)], now);
        (valid, summary) = TokenInspection.Summarize(links, now);
        Assert.True(valid, summary);
        Assert.Equal($"valid now: {p.Device.Did} holds it over {p.Owner.Did}, until 2023-11-14 22:13:20Z", summary);
    }

    [Theory]
    [InlineData("""[["or", [["==", ".db", "acme"], ["like", ".db", "acme.*"]]]]""", "db is acme or under acme.")]
    [InlineData("""[["==", ".db", "acme"], ["==", ".coll", "orders"], ["like", ".id", "d1-*"]]""", "db is acme, coll is orders, id starts with d1-")]
    [InlineData("""[]""", "anything")]
    [InlineData("""[["not", ["==", ".fn", "checkout"]], [">=", ".amount", 10]]""", "not (fn is checkout), amount >= 10")]
    [InlineData("""[["and", [["!=", ".a.b", "x y"], ["like", ".c", "*z"]]]]""", "(a.b is not \"x y\" and c is like \"*z\")")]
    [InlineData("""[["any", ".tags", ["==", ".", "red"]]]""", "some item of tags has (the arguments is red)")]
    [InlineData("""[["==", ".[\"a-b\"]", 1]]""", ".[\"a-b\"] is 1")]
    public void Policies_read_as_sentences(string policy, string text)
        => Assert.Equal(text, PolicyText.Render(ValueJson.Parse(policy)));

    [Fact]
    public async Task Protocol_issue_revoke_and_a_data_command_signed_with_a_key_against_the_stub()
    {
        using var p = new Principals();
        using var server = PrincipalKey.Create();
        await using var stub = new UcanServerStub(server, p.Owner);
        string aliceChain = await AliceChainAsync(p, "/");
        string[] Signed(params string[] args) => [.. args, "--url", stub.Url, "--key", p.File("alice.key"), "--proof", aliceChain];

        // A data command through the server, signed with the key: a session delegation and the chain.
        var (output, _) = await Ok(Signed("db", "list"));
        Assert.Equal(["acme"], JsonDocument.Parse(output).RootElement.EnumerateArray().Select(e => e.GetString()));
        var listed = stub.Requests[^1];
        Assert.Equal("/v1/dbs", listed.Path);
        Assert.Equal(File.ReadAllLines(aliceChain).Single(l => !l.StartsWith('#')), listed.Ucans);
        Assert.Equal(server.Did, Delegation.Read(TokenText.Decode(listed.Authorization!["Bearer ".Length..])).Audience);

        // Issue: the chain from the server's answer, root first, to --out; its CID on stderr.
        string deviceChain = p.File("device.chain");
        var (_, cid) = await Ok(Signed("token", "issue", "--to", p.Device.Did, "--command", "/doc/read", "--db", "acme", "--coll", "orders", "--expires", "1h", "--out", deviceChain));
        var post = stub.Requests[^1];
        Assert.Equal(("POST", "/v1/tokens"), (post.Method, post.Path));
        using (var body = JsonDocument.Parse(post.Body))
        {
            Assert.Equal("audience,command,db,coll,expires", string.Join(",", body.RootElement.EnumerateObject().Select(m => m.Name)));
            Assert.InRange(body.RootElement.GetProperty("expires").GetInt64() - Now, 3590, 3600);
        }
        var chain = ChainFile.Load(deviceChain);
        Assert.Equal(chain[^1].Cid.ToString(), cid.Trim());
        var proven = ProofChain.Establish(p.Device.Did, p.Owner.Did, chain, Now);
        Assert.True(proven.Allows(Commands.DocRead, Resource.Of("acme", "orders", "o-1")));
        Assert.False(proven.Allows(Commands.DocRead, Resource.Of("acme", "users", "u-1")));

        // --json prints the server's answer; --to defaults to the signing key.
        (output, _) = await Ok(Signed("token", "issue", "--command", "/doc/read", "--db", "acme", "--json"));
        using (var answer = JsonDocument.Parse(output)) Assert.Equal(p.Alice.Did, answer.RootElement.GetProperty("aud").GetString());

        (output, _) = await Ok(Signed("token", "revoke", cid.Trim()));
        Assert.Equal($"revoked {cid.Trim()}", output.Trim());
        Assert.Equal(("POST", $"/v1/tokens/{cid.Trim()}/revoke"), (stub.Requests[^1].Method, stub.Requests[^1].Path));

        // A refusal by the server is not bad input: exit 1.
        var (exit, _, error) = await CliProcess.RunAsync(Signed("token", "issue", "--to", p.Device.Did, "--command", "/doc/read", "--db", "other"));
        Assert.Equal(1, exit);
        Assert.Contains("[forbidden]", error);
    }
}
