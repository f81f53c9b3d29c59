using System.Text.Json;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary><c>causeway schema diff</c> and <c>causeway migrate</c>, as processes on a folder: a schema
/// JSON file compared with the database's, applied as the next migration, refused when a breaking
/// change is not declared.</summary>
public sealed class MigrationCommandTests
{
    private const string V1 = """
        { "collections": { "products": { "fields": { "title": { "kind": "lww", "type": "string" },
                                                     "stock": { "kind": "lww", "type": "string" },
                                                     "legacy": { "kind": "lww" } } } } }
        """;

    private const string V2 = """
        { "collections": { "products": { "fields": { "name": { "kind": "lww", "type": "string" },
                                                     "stock": { "kind": "counter" },
                                                     "legacy": { "kind": "lww" } } },
                           "orders": { "fields": { "total": { "kind": "lww", "type": "number" } } } } }
        """;

    private static async Task<JsonElement> Ok(string[] args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 0, $"causeway {string.Join(' ', args)} exited {exit}: {error}");
        Assert.Equal("", error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task<string> Fails(string[] args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args);
        Assert.True(exit == 2, $"causeway {string.Join(' ', args)} exited {exit}, not 2: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("causeway: ", error);
        return error.Trim();
    }

    private static string Changes(JsonElement answer) => string.Join("; ", answer.GetProperty("changes").EnumerateArray()
        .Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("collection").GetString()}.{string.Join(",", c.GetProperty("fields").EnumerateArray().Select(f => f.GetString()))}{(c.GetProperty("breaking").GetBoolean() ? " !" : "")}"));

    [Fact]
    public async Task Schema_diff_prints_the_changes_and_migrate_applies_them_once()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", Path.Combine(folder.Path, "data")];
        string v1 = Path.Combine(folder.Path, "v1.json"), v2 = Path.Combine(folder.Path, "v2.json");
        File.WriteAllText(v1, V1);
        File.WriteAllText(v2, V2);
        await Ok(D("db", "create", "shop"));
        await Ok(D("schema", "shop", "--file", v1));

        var diff = await Ok(D("schema", "diff", "shop", "--schema", v2));
        Assert.Equal(JsonValueKind.Null, diff.GetProperty("migration").ValueKind);
        Assert.Equal("collection_added orders.; field_added products.name; field_retyped products.stock !; field_removed products.title !", Changes(diff));

        var migrated = await Ok(D("migrate", "shop", "--schema", v2, "--rename", "products.title=name", "--retype", "products.stock"));
        Assert.Equal((1, true), (migrated.GetProperty("to").GetInt64(), migrated.GetProperty("applied").GetBoolean()));
        var schema = await Ok(D("schema", "shop"));
        Assert.Equal(1, schema.GetProperty("migration").GetInt64());
        Assert.Equal("counter", schema.GetProperty("collections").GetProperty("products").GetProperty("fields").GetProperty("stock").GetProperty("kind").GetString());
        long version = schema.GetProperty("version").GetInt64();
        Assert.Equal("", Changes(await Ok(D("schema", "diff", "shop", "--schema", v2))));

        // The same file again: nothing written.
        var again = await Ok(D("migrate", "shop", "--schema", v2, "--rename", "products.title=name", "--retype", "products.stock"));
        Assert.Equal((1, false), (again.GetProperty("to").GetInt64(), again.GetProperty("applied").GetBoolean()));
        Assert.Equal(version, (await Ok(D("schema", "shop"))).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task An_undeclared_drop_and_bad_files_exit_2_and_change_nothing()
    {
        using var folder = new TempFolder();
        string[] D(params string[] args) => [.. args, "--data", Path.Combine(folder.Path, "data")];
        string v1 = Path.Combine(folder.Path, "v1.json"), dropped = Path.Combine(folder.Path, "dropped.json"), broken = Path.Combine(folder.Path, "broken.json");
        File.WriteAllText(v1, V1);
        File.WriteAllText(dropped, """{ "collections": { "products": { "fields": { "title": { "kind": "lww", "type": "string" }, "stock": { "kind": "lww", "type": "string" } } } } }""");
        File.WriteAllText(broken, """{ "collections": { "products": { "fields": { "x": { "kind": "lwww" } } } } }""");
        await Ok(D("db", "create", "shop"));
        await Ok(D("schema", "shop", "--file", v1));
        long version = (await Ok(D("schema", "shop"))).GetProperty("version").GetInt64();

        string error = await Fails(D("migrate", "shop", "--schema", dropped));
        Assert.Contains("'products.legacy'", error);
        Assert.Contains("--drop products.legacy", error);
        Assert.Contains("lwww", await Fails(D("schema", "diff", "shop", "--schema", broken)));
        Assert.Contains("No file", await Fails(D("migrate", "shop", "--schema", Path.Combine(folder.Path, "missing.json"))));
        Assert.Contains("--rename", await Fails(D("migrate", "shop", "--schema", dropped, "--rename", "products.legacy")));
        var schema = await Ok(D("schema", "shop"));
        Assert.Equal(version, schema.GetProperty("version").GetInt64());
        Assert.Contains("--schema", await Fails(["schema", "diff", "shop"]));

        // The help names the command as it is typed, with its own arguments only.
        var (helpExit, help, _) = await CliProcess.RunAsync(["schema", "diff", "--help"]);
        Assert.Equal(0, helpExit);
        Assert.Contains("schema diff <database> [options]", help);
        Assert.DoesNotContain("<schema>", help);
        Assert.True(schema.GetProperty("collections").GetProperty("products").GetProperty("fields").TryGetProperty("legacy", out _));

        var declared = await Ok(D("migrate", "shop", "--schema", dropped, "--drop", "products.legacy"));
        Assert.Equal("field_removed products.legacy !", Changes(declared));
        Assert.Equal(1, (await Ok(D("schema", "shop"))).GetProperty("migration").GetInt64());
    }
}
