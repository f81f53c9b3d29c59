using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Errors;
using Causeway.Wire;

namespace Causeway.Tests.Wire;

/// <summary>Each answer of docs/api.md is written and read by one codec (Causeway.Wire), shared by the
/// server, the CLI and the client. These tests make a field added on one side only fail: a record
/// property with no member (or no place in <see cref="WireMap"/>), a member no property reads, a
/// member the reader ignores, or a property the reader does not restore.</summary>
public sealed class WireShapeTests
{
    public static TheoryData<string> Shapes => WireShapes.Names();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_full_sample_sets_every_property(string name)
    {
        var unset = WireWalk.Unset(WireShapes.Named(name).Full);
        Assert.True(unset.Count == 0, $"Set these in the full sample of {name}, so a round trip shows whether they travel:\n" + string.Join("\n", unset));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_property_is_written_as_its_member_and_every_member_is_a_property(string name)
    {
        var shape = WireShapes.Named(name);
        foreach (var value in new[] { shape.Full, shape.Bare })
        {
            using var json = JsonDocument.Parse(shape.ToJson(value));
            var problems = WireWalk.Coverage(value, json.RootElement, shape.Extras);
            Assert.True(problems.Count == 0, $"{name}: {shape.ToJson(value)}\n" + string.Join("\n", problems));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Reading_what_was_written_restores_every_property(string name)
    {
        var shape = WireShapes.Named(name);
        foreach (var value in new[] { shape.Full, shape.Bare })
        {
            var back = shape.RoundTrip(value);
            var differences = WireWalk.Differences(value, back);
            Assert.True(differences.Count == 0, $"{name}: {shape.ToJson(value)}\n" + string.Join("\n", differences));
            Assert.Equal(shape.ToJson(value), shape.ToJson(back));
        }
    }

    /// <summary>Take away any member the writer wrote: the reader refuses the answer or reads
    /// something else. A member it can lose unnoticed is one it does not read.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_reader_reads_every_member_the_writer_writes(string name)
    {
        var shape = WireShapes.Named(name);
        var full = JsonNode.Parse(shape.ToJson(shape.Full))!;
        var ignored = new List<string>();
        foreach (var path in MemberPaths(full, ""))
        {
            if (shape.Extras.Contains(path) || shape.Derived.Any(d => path == d || path.StartsWith(d + ".", StringComparison.Ordinal))) continue;
            var copy = full.DeepClone();
            Remove(copy, path);
            object back;
            try
            {
                using var json = JsonDocument.Parse(copy.ToJsonString());
                back = shape.Read(json.RootElement);
            }
            catch (Exception e) when (e is FormatException or InvalidInputException)
            {
                continue;
            }
            if (WireWalk.Differences(shape.Full, back).Count == 0) ignored.Add(path);
        }
        Assert.True(ignored.Count == 0, $"{name}: the reader reads the same without these members:\n" + string.Join("\n", ignored));
    }

    [Fact]
    public void Every_codec_in_Causeway_Wire_has_a_shape_here()
    {
        var codecs = typeof(WriteResultJson).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Causeway.Wire" && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Json", StringComparison.Ordinal))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var tested = WireShapes.All.Select(s => s.Codec.Name).Concat([nameof(DatabaseDroppedJson), nameof(PeerStoppedJson), nameof(TokenRevokedJson)])
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(codecs, tested);
    }

    /// <summary>The member names and their order, as docs/api.md shows them (external clients read these).</summary>
    [Theory]
    [InlineData("WriteResult", "commit,position")]
    [InlineData("TransactionResult", "commit,position,created")]
    [InlineData("DatabaseInfo", "name,documents,commits,position,heads,clock,holds")]
    [InlineData("DatabaseList", "databases")]
    [InlineData("ServerStatus", "replica,owner,version,databases")]
    [InlineData("BackupReport", "dir,replica,databases")]
    [InlineData("DelegationToken", "cid,token,chain,iss,aud,sub,cmd,pol,exp,nbf")]
    [InlineData("TokenReport", "cid,kind,iss,aud,sub,cmd,pol,args,nbf,exp,valid,problem")]
    [InlineData("Document", "_id,_collection,_meta,blob,due,gift,note,price,ratio,ship,status,tags,total,weight")] // fields in Value.Map's order
    [InlineData("DocumentVersion", "position,commit,origin,time,deleted,changes")]
    [InlineData("DocumentHistory", "versions")]
    [InlineData("Change", "position,commit,origin,time,docs")]
    [InlineData("ChangesPage", "changes,last")]
    [InlineData("VerifyReport", "ok,commits,problems")]
    [InlineData("ImportResult", "applied,skipped,position")]
    [InlineData("SyncResult", "peer,applied,sent,skipped,bytesSent,bytesReceived,position,clock,elapsedMs")]
    [InlineData("SyncResult of a database", "database,peer,applied,sent,skipped,bytesSent,bytesReceived,position,clock,elapsedMs")]
    [InlineData("PeerStatus", "id,remote,peerDid,role,direction,mode,state,ahead,behind,sent,applied,attempts,since,lastError")]
    [InlineData("PeerStatus of a database", "database,id,remote,peerDid,role,direction,mode,state,ahead,behind,sent,applied,attempts,since,lastError")]
    [InlineData("PeerList", "peers")]
    [InlineData("QueryResult", "docs,next,position,plan")]
    [InlineData("QueryPlan", "access,ranges,order,fallback,estimatedRows,examinedRows,indexKeysRead,returnedRows")]
    [InlineData("QueryCount", "count,position")]
    [InlineData("LiveQueryEvent", "kind,position,commit,origin,local,entered,changed,left")]
    [InlineData("SchemaInfo", "home,migration,collections,version,commit,position,analysis,violations")]
    [InlineData("SchemaDiffReport", "migration,changes")]
    [InlineData("MigrationReport", "from,to,applied,schemaVersion,changes")]
    [InlineData("ApiProblem", "type,title,status,detail,code,ucanError,proof,violation")]
    [InlineData("Violation", "rule,collection,id,fields,check,other,side,bound,value")]
    [InlineData("QuotaStatus", "limits,usage")]
    public void The_members_are_those_of_the_API(string name, string members)
    {
        var shape = WireShapes.Named(name);
        using var json = JsonDocument.Parse(shape.ToJson(shape.Full));
        Assert.Equal(members, string.Join(",", json.RootElement.EnumerateObject().Select(m => m.Name)));
    }

    [Fact]
    public void Nested_members_are_those_of_the_API()
    {
        string Members(string json, Func<JsonElement, JsonElement> at)
        {
            using var document = JsonDocument.Parse(json);
            return string.Join(",", at(document.RootElement).EnumerateObject().Select(m => m.Name));
        }
        Assert.Equal("commit,position,updatedAt,origin", Members(WireShapes.Named("Document").ToJson(WireShapes.FullDocument), j => j.GetProperty("_meta")));
        Assert.Equal("op,path,value", Members(WireShapes.Named("DocumentVersion").ToJson(WireShapes.FullVersion), j => j.GetProperty("changes")[0]));
        Assert.Equal("op", Members(WireShapes.Named("DocumentVersion").ToJson(WireShapes.BareVersion), j => j.GetProperty("changes")[0]));
        Assert.Equal("collection,id,deleted", Members(WireShapes.Named("Change").ToJson(WireShapes.FullChange), j => j.GetProperty("docs")[0]));
        var verify = WireShapes.Named("VerifyReport");
        Assert.Equal("position,commit,check,detail", Members(verify.ToJson(verify.Full), j => j.GetProperty("problems")[0]));
        Assert.Equal("position,commit,check,detail", Members(verify.ToJson(verify.Bare), j => j.GetProperty("problems")[0]));
        var schema = WireShapes.Named("SchemaInfo");
        Assert.Equal("collection,constraint,kind,technique,coordinates,explanation", Members(schema.ToJson(schema.Full), j => j.GetProperty("analysis")[0]));
        Assert.Equal("collection,id,constraint,problem", Members(schema.ToJson(schema.Full), j => j.GetProperty("violations")[0]));
        var quotas = WireShapes.Named("QuotaStatus");
        Assert.Equal("documents,bytes,writesPerSecond,syncSessions", Members(quotas.ToJson(quotas.Full), j => j.GetProperty("limits")));
        Assert.Equal("documents,bytes,syncSessions", Members(quotas.ToJson(quotas.Full), j => j.GetProperty("usage")));
    }

    /// <summary>docs/api.md, Values in answers: typed by default, plain on request.</summary>
    [Fact]
    public void Values_are_written_in_the_typed_forms_writes_take_or_plain_on_request()
    {
        string Field(Action<Utf8JsonWriter> write, string name)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream)) write(writer);
            using var json = JsonDocument.Parse(stream.ToArray());
            return json.RootElement.GetProperty(name).GetRawText();
        }
        var doc = WireShapes.FullDocument;
        string[] typed = ["{\"$decimal\":\"1.50\"}", "{\"$time\":\"2026-11-24T17:20:36.008012Z\"}", "{\"$bytes\":\"AQL/\"}", "34.0", "0.25", "12"];
        string[] plain = ["\"1.50\"", "\"2026-11-24T17:20:36.008012Z\"", "\"AQL/\"", "34", "0.25", "12"];
        string[] names = ["price", "due", "blob", "weight", "ratio", "total"];
        Assert.Equal(typed, names.Select(n => Field(w => DocumentJson.Write(w, doc), n)));
        Assert.Equal(plain, names.Select(n => Field(w => DocumentJson.Write(w, doc, typed: false), n)));
        Assert.Equal(typed, names.Select(n => Field(w => QueryResultJson.Write(w, new Causeway.Queries.QueryResult([doc], null, 1)), "docs") is var docs
            ? JsonDocument.Parse(docs).RootElement[0].GetProperty(n).GetRawText() : ""));
        Assert.Equal(plain[0], JsonDocument.Parse(Field(w => QueryResultJson.Write(w, new Causeway.Queries.QueryResult([doc], null, 1), typed: false), "docs")).RootElement[0].GetProperty("price").GetRawText());
        Assert.Equal(typed[0], JsonDocument.Parse(Field(w => DocumentVersionJson.Write(w, WireShapes.FullVersion), "changes")).RootElement[2].GetProperty("value").GetRawText());
        Assert.Equal(plain[0], JsonDocument.Parse(Field(w => DocumentHistoryJson.Write(w, [WireShapes.FullVersion], typed: false), "versions")).RootElement[0].GetProperty("changes")[2].GetProperty("value").GetRawText());
    }

    [Fact]
    public void Unset_optional_members_are_null_or_left_out_as_the_API_says()
    {
        Assert.DoesNotContain("holds", WireShapes.Named("DatabaseInfo").ToJson(WireShapes.BareInfo));
        var quotas = WireShapes.Named("QuotaStatus");
        Assert.StartsWith("""{"limits":{"documents":null,"bytes":null,"writesPerSecond":null,"syncSessions":null},""", quotas.ToJson(quotas.Bare));
        Assert.Contains("\"peerDid\":null", WireShapes.Named("PeerStatus").ToJson(WireShapes.BarePeer));
        Assert.Contains("\"lastError\":null", WireShapes.Named("PeerStatus").ToJson(WireShapes.BarePeer));
        Assert.Contains("\"commit\":null", WireShapes.Named("Document").ToJson(WireShapes.BareDocument));
        Assert.Equal("""{"docs":[],"next":null,"position":0}""", Write(w => QueryResultJson.Write(w, new Causeway.Queries.QueryResult([], null, 0))));
        var verify = WireShapes.Named("VerifyReport");
        Assert.Contains("""{"position":null,"commit":null,"check":"heads","detail":"No heads."}""", verify.ToJson(verify.Bare));
        var schema = WireShapes.Named("SchemaInfo");
        Assert.StartsWith("""{"collections":{},"home":null,"version":0,"commit":null,"position":0,""", schema.ToJson(schema.Bare));
    }

    [Fact]
    public void A_create_answers_the_write_result_with_its_id()
    {
        string json = Write(w => WriteResultJson.Write(w, WireShapes.Written, "o-9"));
        Assert.Equal($$"""{"_id":"o-9","commit":"{{WireShapes.Written.Commit}}","position":7}""", json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(("o-9", WireShapes.Written), WriteResultJson.ReadCreated(document.RootElement));
        Assert.Equal(WireShapes.Written, WriteResultJson.Read(document.RootElement));
        using var plain = JsonDocument.Parse(Write(w => WriteResultJson.Write(w, WireShapes.Written)));
        Assert.Throws<FormatException>(() => WriteResultJson.ReadCreated(plain.RootElement));
    }

    [Fact]
    public void Dropping_a_database_stopping_a_peer_and_revoking_a_token_answer_what_they_did()
    {
        string dropped = Write(w => DatabaseDroppedJson.Write(w, "acme"));
        Assert.Equal("""{"name":"acme","dropped":true}""", dropped);
        using (var json = JsonDocument.Parse(dropped)) Assert.Equal("acme", DatabaseDroppedJson.Read(json.RootElement));
        string stopped = Write(w => PeerStoppedJson.Write(w, "s3"));
        Assert.Equal("""{"id":"s3","stopped":true}""", stopped);
        using (var json = JsonDocument.Parse(stopped)) Assert.Equal("s3", PeerStoppedJson.Read(json.RootElement));
        using (var json = JsonDocument.Parse("""{"id":"s3","stopped":false}""")) Assert.Throws<FormatException>(() => PeerStoppedJson.Read(json.RootElement));
        var token = WireShapes.CidOf("t");
        string revoked = Write(w => TokenRevokedJson.Write(w, token));
        Assert.Equal($$"""{"cid":"{{token}}","revoked":true}""", revoked);
        using (var json = JsonDocument.Parse(revoked)) Assert.Equal(token, TokenRevokedJson.Read(json.RootElement));
        using (var json = JsonDocument.Parse($$"""{"cid":"{{token}}","revoked":false}""")) Assert.Throws<FormatException>(() => TokenRevokedJson.Read(json.RootElement));
    }

    /// <summary><c>causeway peers</c> lists several databases' sessions: each peer names its database, and reads back as the peer.</summary>
    [Fact]
    public void The_peers_of_several_databases_name_their_database()
    {
        string json = Write(w => PeerListJson.Write(w, [("shop", WireShapes.FullPeer), ("acme", WireShapes.BarePeer)]));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(["shop", "acme"], document.RootElement.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("database").GetString()));
        var back = PeerListJson.Read(document.RootElement);
        Assert.Empty(WireWalk.Differences(new[] { WireShapes.FullPeer, WireShapes.BarePeer }, back));
    }

    [Fact]
    public void A_server_sent_change_is_the_change_as_JSON()
    {
        Assert.Equal(WireShapes.Named("Change").ToJson(WireShapes.FullChange), System.Text.Encoding.UTF8.GetString(ChangeJson.ToUtf8(WireShapes.FullChange)));
        Assert.Equal("change", ChangeJson.EventName);
    }

    [Fact]
    public void A_server_sent_live_query_event_is_the_event_as_JSON_named_by_its_kind()
    {
        var shape = WireShapes.Named("LiveQueryEvent");
        var delta = (Causeway.Queries.LiveQueryEvent)shape.Full;
        Assert.Equal(shape.ToJson(delta), System.Text.Encoding.UTF8.GetString(LiveQueryEventJson.ToUtf8(delta, typed: true)));
        Assert.Equal("delta", LiveQueryEventJson.EventName(delta.Kind));
        Assert.Equal("snapshot", LiveQueryEventJson.EventName(Causeway.Queries.LiveQueryEventKind.Snapshot));
        Assert.Equal("error", LiveQueryEventJson.ErrorEvent);
        // Plain values, as ?values=plain asks.
        using var plain = JsonDocument.Parse(LiveQueryEventJson.ToUtf8(delta, typed: false));
        Assert.Equal("\"1.50\"", plain.RootElement.GetProperty("entered")[0].GetProperty("price").GetRawText());
    }

    [Fact]
    public void A_missing_or_mistyped_member_is_a_format_error_that_names_it()
    {
        using (var json = JsonDocument.Parse("""{"commit":"bafy","position":1}"""))
            Assert.Contains("'commit'", Assert.Throws<FormatException>(() => WriteResultJson.Read(json.RootElement)).Message);
        using (var json = JsonDocument.Parse($$"""{"commit":"{{WireShapes.Written.Commit}}"}"""))
            Assert.Contains("'position'", Assert.Throws<FormatException>(() => WriteResultJson.Read(json.RootElement)).Message);
        using (var json = JsonDocument.Parse($$"""{"commit":"{{WireShapes.Written.Commit}}","position":"7"}"""))
            Assert.Contains("'position'", Assert.Throws<FormatException>(() => WriteResultJson.Read(json.RootElement)).Message);
        var peer = JsonNode.Parse(WireShapes.Named("PeerStatus").ToJson(WireShapes.FullPeer))!;
        peer["since"] = "yesterday";
        using (var json = JsonDocument.Parse(peer.ToJsonString()))
            Assert.Contains("'since'", Assert.Throws<FormatException>(() => PeerStatusJson.Read(json.RootElement)).Message);
        peer["since"] = WireShapes.Time.ToString("O");
        peer["direction"] = "sideways";
        using (var json = JsonDocument.Parse(peer.ToJsonString()))
            Assert.Contains("'direction'", Assert.Throws<FormatException>(() => PeerStatusJson.Read(json.RootElement)).Message);
        using (var json = JsonDocument.Parse("[]"))
            Assert.Throws<FormatException>(() => DatabaseInfoJson.Read(json.RootElement));
    }

    [Fact]
    public void A_problem_has_its_type_status_and_title_from_its_code()
    {
        var problem = ApiProblem.For(ErrorCodes.NotHeld, "Not here.");
        Assert.Equal(409, problem.Status);
        Assert.Equal("Conflict", problem.Title);
        Assert.Equal("https://causeway.dev/errors/not_held", problem.Type);
        Assert.Equal(413, ApiProblem.For(ErrorCodes.InvalidJson, "Big.", 413).Status);
        using var loose = JsonDocument.Parse("""{"code":"x","detail":7,"ucanError":"Expired"}""");
        Assert.Equal(("x", null, "Expired", null, null), ApiProblemJson.ReadLoosely(loose.RootElement));
        using var html = JsonDocument.Parse("\"<html>\"");
        Assert.Equal((null, null, null, null, null), ApiProblemJson.ReadLoosely(html.RootElement));
    }

    /// <summary>A refused capability token comes back as the UcanException the server threw, reason and proof
    /// included; a reason that does not fit the code, or none, gives the plain exception of the code.</summary>
    [Fact]
    public void A_problem_with_a_UCAN_reason_becomes_a_UcanException()
    {
        var expired = Assert.IsType<UcanException>(ApiProblem.For(new UcanException(UcanError.Expired, "Proof bafy… expired.", "bafyx")).ToException());
        Assert.Equal((UcanError.Expired, "bafyx", ErrorCodes.TokenExpired), (expired.Error, expired.Proof, expired.Code));
        var match = Assert.IsType<UcanException>(ApiProblem.For(ErrorCodes.Forbidden, "No.", ucanError: "MatchError").ToException());
        Assert.Equal(UcanError.MatchError, match.Error);
        Assert.IsType<ForbiddenException>(ApiProblem.For(ErrorCodes.Forbidden, "No.", ucanError: "Expired").ToException());
        Assert.IsType<ForbiddenException>(ApiProblem.For(ErrorCodes.Forbidden, "No.", ucanError: "Nonsense").ToException());
        Assert.IsType<ForbiddenException>(ApiProblem.For(ErrorCodes.Forbidden, "No.").ToException());
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Every member of every object, as a path ("a.b", "a[0].b").</summary>
    private static IEnumerable<string> MemberPaths(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    string at = path.Length == 0 ? key : $"{path}.{key}";
                    yield return at;
                    foreach (var inner in MemberPaths(value, at)) yield return inner;
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                    foreach (var inner in MemberPaths(a[i], $"{path}[{i}]")) yield return inner;
                break;
        }
    }

    private static void Remove(JsonNode root, string path)
    {
        // Member names in these samples hold no '.', '[' or ']'.
        var steps = System.Text.RegularExpressions.Regex.Matches(path, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        JsonNode node = root;
        for (int i = 0; i < steps.Count - 1; i++)
            node = steps[i].StartsWith('[') ? node[int.Parse(steps[i][1..^1])]! : node[steps[i]]!;
        node.AsObject().Remove(steps[^1]);
    }
}
