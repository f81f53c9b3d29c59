using System.Net;
using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models;
using Causeway.Tests.Typed;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Tests.Http;

/// <summary>Each kind of refusal says what it is about in the problem's <c>violation</c> member, on two
/// real servers on loopback: the HTTP body carries it, the typed client reads it back into the same
/// exception with the same <see cref="Violation"/> as the embedded database throws, and a changeset
/// made over the wire puts it on its property. B is synced once from A, the home, and then left apart:
/// it holds no rights over A's counters and no reservation of a name.</summary>
public sealed class RefusalProblemTests : IAsyncLifetime
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase));

    private ServerFixture _a = null!;
    private ServerFixture _b = null!;
    private Causeway.Client.CausewayClient _clientA = null!;
    private Causeway.Client.CausewayClient _clientB = null!;

    public async Task InitializeAsync()
    {
        _a = await ServerFixture.StartOnLoopbackAsync();
        _b = await ServerFixture.StartOnLoopbackAsync();
        _clientA = _a.CreateClient();
        _clientB = _b.CreateClient();
        var db = await _clientA.CreateDatabaseAsync("shop");
        await Model.ApplyAsync(db);
        await db.PutAsync("players", "ann", ValueJson.Parse("""{"name": "Ann", "credits": 5}"""));
        await db.PutAsync("items", "cat", ValueJson.Parse("""{"species": "cat", "owner": "ann", "price": 10, "discountedPrice": 8}"""));
        await _clientB.CreateDatabaseAsync("shop");
        var once = JsonSerializer.Serialize(new { peer = _a.Url.ToString(), token = _a.AdminToken, mode = "once", direction = "both" });
        using var synced = await _b.Admin.PostAsync("/v1/dbs/shop/replicate", HttpExtensions.Json(once));
        Assert.True(synced.StatusCode == HttpStatusCode.OK, await synced.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _clientA.Dispose();
        _clientB.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    public static TheoryData<string> Kinds => ["unique", "check", "reference", "delete", "bound", "required", "type", "unset", "op", "value", "rights", "reservation"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_problem_body_says_what_was_refused_and_the_client_reads_it_as_the_engine_threw_it(string kind)
    {
        var (server, code, request, write, expected) = Case(kind);

        using var message = request();
        using var response = await server.Admin.SendAsync(message);
        Assert.Equal(ErrorCodes.HttpStatus(code), (int)response.StatusCode);
        Assert.Equal(ApiProblemJson.MediaType, response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());
        Assert.Equal(expected, body.RootElement.GetProperty("violation").GetRawText());

        var client = server == _a ? _clientA : _clientB;
        var remote = await Assert.ThrowsAnyAsync<CausewayException>(() => write(client.Database("shop")));
        var embedded = await Assert.ThrowsAnyAsync<CausewayException>(() => write(server.Replica.GetDatabase("shop")));
        Assert.Equal(embedded.GetType(), remote.GetType());
        Assert.Equal((code, embedded.Message), (remote.Code, remote.Message));
        Assert.Equal(expected, Json(embedded.Violation));
        Assert.Equal(expected, Json(remote.Violation));
    }

    private (ServerFixture Server, string Code, Func<HttpRequestMessage> Request, Func<IDocumentDatabase, Task> Write, string Violation) Case(string kind) => kind switch
    {
        "unique" => (_a, ErrorCodes.ConstraintViolation, Put("players/twin", """{"name": "Ann", "credits": 1}"""),
            db => db.PutAsync("players", "twin", ValueJson.Parse("""{"name": "Ann", "credits": 1}""")),
            """{"rule":"unique","collection":"players","id":"twin","fields":["name"],"other":"players/ann"}"""),
        "check" => (_a, ErrorCodes.ConstraintViolation, Put("items/dog", """{"species": "dog", "price": 5, "discountedPrice": 6}"""),
            db => db.PutAsync("items", "dog", ValueJson.Parse("""{"species": "dog", "price": 5, "discountedPrice": 6}""")),
            """{"rule":"check","collection":"items","id":"dog","fields":["discountedPrice","price"],"check":"discount_below_price"}"""),
        "reference" => (_a, ErrorCodes.ConstraintViolation, Put("items/cow", """{"species": "cow", "owner": "ghost"}"""),
            db => db.PutAsync("items", "cow", ValueJson.Parse("""{"species": "cow", "owner": "ghost"}""")),
            """{"rule":"reference","collection":"items","id":"cow","fields":["owner"],"other":"players/ghost"}"""),
        // The cat still names Ann (add-wins): the delete is refused, and none of Ann's fields is at fault.
        "delete" => (_a, ErrorCodes.ConstraintViolation, () => new HttpRequestMessage(HttpMethod.Delete, "/v1/dbs/shop/docs/players/ann"),
            db => db.DeleteAsync("players", "ann"),
            """{"rule":"reference","collection":"players","id":"ann","fields":[],"other":"items/cat"}"""),
        "bound" => (_a, ErrorCodes.ConstraintViolation, Patch("players/ann", """{"ops": [{"op": "increment", "path": "credits", "by": -6}]}"""),
            db => db.PatchAsync("players", "ann", FieldOp.Increment("credits", -6)),
            """{"rule":"bound","collection":"players","id":"ann","fields":["credits"],"side":"lower","bound":0,"value":-1}"""),
        "required" => (_a, ErrorCodes.SchemaViolation, Put("players/nameless", """{"credits": 1}"""),
            db => db.PutAsync("players", "nameless", ValueJson.Parse("""{"credits": 1}""")),
            """{"rule":"required","collection":"players","id":"nameless","fields":["name"]}"""),
        "type" => (_a, ErrorCodes.SchemaViolation, Put("items/pig", """{"species": "pig", "price": "cheap"}"""),
            db => db.PutAsync("items", "pig", ValueJson.Parse("""{"species": "pig", "price": "cheap"}""")),
            """{"rule":"type","collection":"items","id":"pig","fields":["price"]}"""),
        // Refused while the write is made, before the document's rules are checked.
        "unset" => (_a, ErrorCodes.SchemaViolation, Patch("players/ann", """{"ops": [{"op": "unset", "path": "name"}]}"""),
            db => db.PatchAsync("players", "ann", FieldOp.Unset("name")),
            """{"rule":"required","collection":"players","id":"ann","fields":["name"]}"""),
        "op" => (_a, ErrorCodes.SchemaViolation, Patch("items/cat", """{"ops": [{"op": "increment", "path": "price", "by": 1}]}"""),
            db => db.PatchAsync("items", "cat", FieldOp.Increment("price", 1)),
            """{"rule":"type","collection":"items","id":"cat","fields":["price"]}"""),
        "value" => (_a, ErrorCodes.SchemaViolation, Put("players/cy", """{"name": "Cy", "credits": "lots"}"""),
            db => db.PutAsync("players", "cy", ValueJson.Parse("""{"name": "Cy", "credits": "lots"}""")),
            """{"rule":"type","collection":"players","id":"cy","fields":["credits"]}"""),
        // On B, apart from the home: the rights over Ann's credits and the reservation of a name are A's.
        "rights" => (_b, ErrorCodes.InsufficientRights, Patch("players/ann", """{"ops": [{"op": "increment", "path": "credits", "by": -1}]}"""),
            db => db.PatchAsync("players", "ann", FieldOp.Increment("credits", -1)),
            """{"rule":"bound","collection":"players","id":"ann","fields":["credits"],"side":"lower","bound":0}"""),
        "reservation" => (_b, ErrorCodes.ReservationUnavailable, Put("players/bob", """{"name": "Bob", "credits": 0}"""),
            db => db.PutAsync("players", "bob", ValueJson.Parse("""{"name": "Bob", "credits": 0}""")),
            """{"rule":"unique","collection":"players","id":"bob","fields":["name"]}"""),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such case"),
    };

    [Fact]
    public async Task A_changeset_over_the_wire_puts_rights_held_elsewhere_and_an_unreachable_holder_on_their_properties()
    {
        var db = _clientB.Database("shop");
        var wallet = db.OpenSession(Model);
        var spend = Changeset.For((await wallet.LoadAsync<Player>("ann"))!, Model).Cast("""{ "credits": 4 }""", "credits");
        Assert.True(spend.IsValid);
        Assert.False((await wallet.SaveChangesAsync(spend)).Saved);
        Assert.Equal([("Credits", "credits", ChangesetErrorCodes.InsufficientRights)], spend.Errors.Select(e => (e.Property, e.Path, e.Code)));

        var bob = Changeset.For(new Player { Id = "bob" }, Model).Cast("""{ "name": "Bob" }""", "name");
        Assert.False((await db.OpenSession(Model).SaveChangesAsync(bob)).Saved);
        Assert.Equal([("Name", "name", ChangesetErrorCodes.Unavailable, "cannot be checked as unique now; try again shortly")],
            bob.Errors.Select(e => (e.Property, e.Path, e.Code, e.Message)));

        Assert.Null(await db.GetAsync("players", "bob"));
        Assert.Equal(5, (await db.OpenSession(Model).LoadNoTrackingAsync<Player>("ann"))!.Credits.Value);
    }

    /// <summary>A problem without the member, or with one that does not read, is still the error of its code.</summary>
    [Fact]
    public void A_problem_without_a_readable_violation_is_still_the_refusal_of_its_code()
    {
        using var bad = JsonDocument.Parse("""{"code": "constraint_violation", "detail": "No.", "violation": {"rule": "nonsense"}}""");
        var (code, detail, _, _, violation) = ApiProblemJson.ReadLoosely(bad.RootElement);
        Assert.Equal(("constraint_violation", "No.", null), (code, detail, violation));
        var error = Assert.IsType<ConstraintViolationException>(new ApiProblem(code!, 422, "", detail!).ToException());
        Assert.Null(error.Violation);
        Assert.Throws<FormatException>(() => ApiProblemJson.Read(JsonDocument.Parse(
            """{"type": "t", "title": "t", "status": 422, "detail": "No.", "code": "constraint_violation", "violation": {"rule": "unique", "collection": "c", "id": "i", "fields": [], "side": "middle"}}""").RootElement));
    }

    private static Func<HttpRequestMessage> Put(string path, string json)
        => () => new HttpRequestMessage(HttpMethod.Put, "/v1/dbs/shop/docs/" + path) { Content = HttpExtensions.Json(json) };

    private static Func<HttpRequestMessage> Patch(string path, string json)
        => () => new HttpRequestMessage(HttpMethod.Patch, "/v1/dbs/shop/docs/" + path) { Content = HttpExtensions.Json(json) };

    private static string? Json(Violation? violation)
    {
        if (violation is null) return null;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) ViolationJson.Write(writer, violation);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
