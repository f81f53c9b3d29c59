using System.Net;
using Causeway.Errors;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Causeway.Tests.Http;

/// <summary>Tenancy by name: databases are dot-separated (acme.shop.eu), and authority over a database
/// covers the databases below it, by whole segments: acme covers acme.shop, not acmecorp.</summary>
public sealed class TenancyTests
{
    private static Principal Over(string[] databases, params string[] abilities) => new("tenant", new HashSet<string>(abilities), databases);

    [Theory]
    [InlineData("acme", true)]
    [InlineData("acme.shop", true)]
    [InlineData("acme.shop.eu", true)]
    [InlineData("acmecorp", false)]
    [InlineData("acmecorp.shop", false)]
    [InlineData("acm", false)]
    [InlineData("shop", false)]
    [InlineData("shop.acme", false)]
    public void Authority_over_acme_covers_its_children_by_whole_segments(string database, bool covered)
    {
        var admin = Over(["acme"], Ability.All);
        Assert.Equal(covered, admin.Can(Ability.DocRead, database));
        Assert.Equal(covered, admin.Can(Ability.DbAdmin, database));
        Assert.Equal(covered, admin.Sees(database));
        var reader = Over(["acme"], Ability.DocRead);
        Assert.Equal(covered, reader.Can(Ability.DocRead, database));
        Assert.False(reader.Can(Ability.DocWrite, database));
        Assert.Equal(covered, reader.Sees(database));
    }

    [Fact]
    public void Authority_over_a_child_does_not_reach_its_parent_or_siblings()
    {
        var shop = Over(["acme.shop"], Ability.All);
        Assert.True(shop.Can(Ability.DocWrite, "acme.shop"));
        Assert.True(shop.Can(Ability.DocWrite, "acme.shop.eu"));
        Assert.False(shop.Can(Ability.DocRead, "acme"));
        Assert.False(shop.Can(Ability.DocRead, "acme.shopping"));
        Assert.False(shop.Can(Ability.DocRead, "acme.blog"));
        Assert.False(shop.Sees("acme"));
        var two = Over(["acme.shop", "globex"], Ability.DocRead);
        Assert.True(two.Sees("globex.eu"));
        Assert.True(two.Sees("acme.shop"));
        Assert.False(two.Sees("acme"));
        // Unrestricted principals (the static tokens) see and reach everything.
        Assert.True(Principal.Admin.Sees("acmecorp"));
        Assert.True(Principal.Admin.Can(Ability.DbAdmin, "acmecorp"));
    }

    [Fact]
    public async Task The_database_list_shows_only_what_the_principal_sees_and_the_rest_is_403()
    {
        using var folder = new TempFolder();
        var replica = await Replica.OpenAsync(folder.Path);
        foreach (var name in new[] { "acme", "acme.shop", "acme.shop.eu", "acmecorp", "shop" }) await replica.CreateDatabaseAsync(name);
        var app = CausewayServer.Build(replica, new OnePrincipal(Over(["acme"], Ability.All)), new ServerOptions { DataDirectory = folder.Path, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var list = await (await http.GetAsync("/v1/dbs")).JsonAsync();
            Assert.Equal(["acme", "acme.shop", "acme.shop.eu"], list.GetProperty("databases").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
            var status = await (await http.GetAsync("/v1/status")).JsonAsync();
            Assert.Equal(["acme", "acme.shop", "acme.shop.eu"], status.GetProperty("databases").EnumerateArray().Select(d => d.GetString()));

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/dbs/acme.shop")).StatusCode);
            await (await http.GetAsync("/v1/dbs/acmecorp")).ProblemAsync(403, ErrorCodes.Forbidden);
            await (await http.GetAsync("/v1/dbs/shop")).ProblemAsync(403, ErrorCodes.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await http.PutAsync("/v1/dbs/acme.shop/quotas", HttpExtensions.Json("""{"documents": 5}"""))).StatusCode);
            await (await http.PutAsync("/v1/dbs/acmecorp/quotas", HttpExtensions.Json("""{"documents": 5}"""))).ProblemAsync(403, ErrorCodes.Forbidden);
            await (await http.GetAsync("/v1/dbs/acmecorp/quotas")).ProblemAsync(403, ErrorCodes.Forbidden);
            Assert.Equal(QuotaLimits.None, replica.GetDatabase("acmecorp").Quotas.Limits);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class OnePrincipal(Principal principal) : IRequestAuthenticator
    {
        public Principal? Authenticate(HttpContext context) => principal;
    }
}
