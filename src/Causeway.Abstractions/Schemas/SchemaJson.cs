using System.Text.Json;
using Causeway.Documents;
using Causeway.Errors;

namespace Causeway.Schemas;

/// <summary>Reads and writes the SCHEMA document of docs/api.md. Reading is strict: an unknown member, a
/// wrong type or an unknown kind is invalid_value naming where, so a typo never silently weakens a
/// constraint. Writing is canonical (collections and fields in name order), so equal schemas
/// encode alike.</summary>
public static class SchemaJson
{
    /// <summary>Limits that keep analysis and enforcement cheap and bounded, whatever a request holds.</summary>
    public const int MaxCollections = 1000, MaxFields = 1000, MaxChecks = 100, MaxUnique = 32;

    public static Schema Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Read(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidJson, $"The schema is not valid JSON: {e.Message}");
        }
    }

    public static Schema Read(JsonElement json)
    {
        Expect(json, JsonValueKind.Object, "The schema");
        Only(json, "the schema", "collections", "home", "migration", "analysis", "version", "commit", "position", "violations");
        string? home = null;
        if (json.TryGetProperty("home", out var h) && h.ValueKind != JsonValueKind.Null)
        {
            Expect(h, JsonValueKind.String, "'home'");
            home = h.GetString()!;
            if (!Security.DidKey.IsValid(home)) throw Invalid($"'home' must be a replica's did:key, not '{Names.Clip(home)}'.");
        }
        long? migration = null;
        if (json.TryGetProperty("migration", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt64(out long applied) || applied < 1) throw Invalid("'migration' must be a whole number of at least 1.");
            migration = applied;
        }
        if (!json.TryGetProperty("collections", out var collections)) throw Invalid("The schema needs 'collections', an object of collection name → rules.");
        Expect(collections, JsonValueKind.Object, "'collections'");
        var result = new Dictionary<string, CollectionRules>(StringComparer.Ordinal);
        foreach (var c in collections.EnumerateObject())
        {
            string name = c.Name;
            try { Names.Collection(name); }
            catch (InvalidInputException e) { throw Invalid($"In 'collections': {e.Message}"); }
            if (SystemCollections.IsSystem(name)) throw Invalid($"Collection '{name}' is reserved (names starting with '_' belong to Causeway).");
            if (!result.TryAdd(name, ReadCollection(name, c.Value))) throw Invalid($"Collection '{name}' appears twice.");
            if (result.Count > MaxCollections) throw Invalid($"A schema declares at most {MaxCollections} collections.");
        }
        return new Schema { Collections = result, Home = home, Migration = migration };
    }

    private static CollectionRules ReadCollection(string name, JsonElement json)
    {
        string where = $"collection '{name}'";
        Expect(json, JsonValueKind.Object, where);
        Only(json, where, "id", "fields", "unique", "checks", "index");
        var id = IdGeneration.Client;
        if (json.TryGetProperty("id", out var idJson))
        {
            Expect(idJson, JsonValueKind.String, $"'id' of {where}");
            id = idJson.GetString() switch
            {
                "client" => IdGeneration.Client,
                "uuid" => IdGeneration.Uuid,
                "sequence" => IdGeneration.Sequence,
                "ordered" => IdGeneration.Ordered,
                var other => throw Invalid($"'id' of {where} is '{Names.Clip(other)}'; expected client, uuid, sequence or ordered."),
            };
        }
        var fields = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
        if (json.TryGetProperty("fields", out var fieldsJson))
        {
            Expect(fieldsJson, JsonValueKind.Object, $"'fields' of {where}");
            foreach (var f in fieldsJson.EnumerateObject())
            {
                try { FieldPath.Parse(f.Name); }
                catch (InvalidInputException e) { throw Invalid($"Field '{Names.Clip(f.Name)}' of {where}: {e.Message}"); }
                if (!fields.TryAdd(f.Name, ReadField(f.Name, f.Value, where))) throw Invalid($"Field '{f.Name}' of {where} appears twice.");
                if (fields.Count > MaxFields) throw Invalid($"A collection declares at most {MaxFields} fields ({where}).");
            }
        }
        var unique = new List<IReadOnlyList<string>>();
        if (json.TryGetProperty("unique", out var uniqueJson))
        {
            Expect(uniqueJson, JsonValueKind.Array, $"'unique' of {where}");
            foreach (var tuple in uniqueJson.EnumerateArray())
            {
                Expect(tuple, JsonValueKind.Array, $"each entry of 'unique' of {where} (a list of field names)");
                var paths = new List<string>();
                foreach (var p in tuple.EnumerateArray())
                {
                    Expect(p, JsonValueKind.String, $"a field of 'unique' of {where}");
                    string path = p.GetString()!;
                    if (!fields.ContainsKey(path)) throw Invalid($"'unique' of {where} names '{Names.Clip(path)}', which is not a declared field.");
                    if (paths.Contains(path)) throw Invalid($"'unique' of {where} names '{path}' twice in one entry.");
                    paths.Add(path);
                }
                if (paths.Count == 0) throw Invalid($"An entry of 'unique' of {where} is empty.");
                unique.Add(paths);
                if (unique.Count > MaxUnique) throw Invalid($"A collection has at most {MaxUnique} unique constraints ({where}).");
            }
        }
        var checks = new List<CheckRule>();
        if (json.TryGetProperty("checks", out var checksJson))
        {
            Expect(checksJson, JsonValueKind.Array, $"'checks' of {where}");
            foreach (var check in checksJson.EnumerateArray())
            {
                Expect(check, JsonValueKind.Object, $"each check of {where}");
                Only(check, $"a check of {where}", "name", "expr");
                string checkName = RequiredString(check, "name", $"a check of {where}");
                if (checkName.Length is 0 or > 64) throw Invalid($"A check of {where} needs a name of 1-64 characters.");
                if (checks.Any(c => c.Name == checkName)) throw Invalid($"Check '{checkName}' of {where} appears twice.");
                string expr = RequiredString(check, "expr", $"check '{checkName}' of {where}");
                CheckExpression parsed;
                try { parsed = CheckExpression.Parse(expr); }
                catch (InvalidInputException e) { throw Invalid($"Check '{checkName}' of {where}: {e.Message}"); }
                checks.Add(new CheckRule(checkName, parsed));
                if (checks.Count > MaxChecks) throw Invalid($"A collection has at most {MaxChecks} checks ({where}).");
            }
        }
        var index = json.TryGetProperty("index", out var indexJson) ? ReadIndex(indexJson, where) : IndexRule.All;
        return new CollectionRules { Name = name, Id = id, Fields = fields, Unique = unique, Checks = checks, AtomicGroups = Groups(checks), Index = index };
    }

    /// <summary><c>true</c>, <c>false</c>, or <c>{ "exclude": [PATH, ..], "compound": [[PATH, PATH, ..], ..] }</c>.</summary>
    private static IndexRule ReadIndex(JsonElement json, string where)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.True: return IndexRule.All;
            case JsonValueKind.False: return IndexRule.None;
            case JsonValueKind.Object:
                Only(json, $"'index' of {where}", "exclude", "compound");
                var paths = new SortedSet<string>(StringComparer.Ordinal);
                if (json.TryGetProperty("exclude", out var exclude))
                {
                    Expect(exclude, JsonValueKind.Array, $"'exclude' of 'index' of {where}");
                    foreach (var item in exclude.EnumerateArray())
                    {
                        Expect(item, JsonValueKind.String, $"a path of 'exclude' of 'index' of {where}");
                        string path = item.GetString()!;
                        try { FieldPath.Parse(path); }
                        catch (InvalidInputException e) { throw Invalid($"'exclude' of 'index' of {where}: {e.Message}"); }
                        paths.Add(path);
                        if (paths.Count > MaxFields) throw Invalid($"'exclude' of 'index' of {where} lists more than {MaxFields} paths.");
                    }
                }
                var compound = json.TryGetProperty("compound", out var compoundJson) ? ReadCompound(compoundJson, paths, where) : [];
                return new IndexRule { Exclude = [.. paths], Compound = compound };
            default:
                throw Invalid($"'index' of {where} is true, false or {{ \"exclude\": [PATH, ..], \"compound\": [[PATH, PATH, ..], ..] }}.");
        }
    }

    /// <summary>Compound indexes: each 2 to 8 distinct paths, none left out of the index.</summary>
    private static List<IReadOnlyList<string>> ReadCompound(JsonElement json, SortedSet<string> excluded, string where)
    {
        string what = $"'compound' of 'index' of {where}";
        Expect(json, JsonValueKind.Array, what);
        var compounds = new List<IReadOnlyList<string>>();
        foreach (var tuple in json.EnumerateArray())
        {
            Expect(tuple, JsonValueKind.Array, $"an entry of {what}");
            var paths = new List<string>();
            foreach (var item in tuple.EnumerateArray())
            {
                Expect(item, JsonValueKind.String, $"a path of {what}");
                string path = item.GetString()!;
                try { FieldPath.Parse(path); }
                catch (InvalidInputException e) { throw Invalid($"{what}: {e.Message}"); }
                if (paths.Contains(path)) throw Invalid($"{what} names '{path}' twice in one entry.");
                // An excluded path has no entries; a compound over it would be an index of it after all.
                if (excluded.Any(x => path == x || path.StartsWith(x + ".", StringComparison.Ordinal)))
                    throw Invalid($"{what} names '{Names.Clip(path)}', which 'exclude' leaves out.");
                paths.Add(path);
            }
            if (paths.Count is < 2 or > IndexRule.MaxCompoundPaths)
                throw Invalid($"An entry of {what} names 2 to {IndexRule.MaxCompoundPaths} paths.");
            if (compounds.Any(c => c.SequenceEqual(paths, StringComparer.Ordinal)))
                throw Invalid($"{what} declares [{string.Join(", ", paths)}] twice.");
            compounds.Add(paths);
            if (compounds.Count > IndexRule.MaxCompounds) throw Invalid($"A collection declares at most {IndexRule.MaxCompounds} compound indexes ({where}).");
        }
        return compounds;
    }

    /// <summary>Checks that share a field share a group: the union of their fields is written together.</summary>
    private static IReadOnlyList<IReadOnlySet<string>> Groups(List<CheckRule> checks)
    {
        var groups = new List<HashSet<string>>();
        foreach (var check in checks)
        {
            var group = new HashSet<string>(check.Expression.Fields, StringComparer.Ordinal);
            foreach (var other in groups.Where(g => g.Overlaps(group)).ToList())
            {
                group.UnionWith(other);
                groups.Remove(other);
            }
            if (group.Count > 0) groups.Add(group);
        }
        return groups;
    }

    private static FieldRule ReadField(string path, JsonElement json, string collection)
    {
        string where = $"field '{path}' of {collection}";
        Expect(json, JsonValueKind.Object, where);
        Only(json, where, "kind", "type", "required", "references", "policy", "min", "max");
        string kind = json.TryGetProperty("kind", out var k) ? ExpectString(k, $"'kind' of {where}") : "lww";
        if (!FieldRule.Kinds.Contains(kind)) throw Invalid($"'kind' of {where} is '{Names.Clip(kind)}'; expected one of {string.Join(", ", FieldRule.Kinds)}.");
        ValueType? type = null;
        if (json.TryGetProperty("type", out var t))
        {
            type = ExpectString(t, $"'type' of {where}") switch
            {
                "string" => ValueType.String,
                "number" => ValueType.Number,
                "integer" => ValueType.Integer,
                "boolean" => ValueType.Boolean,
                "timestamp" => ValueType.Timestamp,
                "bytes" => ValueType.Bytes,
                "array" => ValueType.Array,
                "object" => ValueType.Object,
                var other => throw Invalid($"'type' of {where} is '{Names.Clip(other)}'; expected string, number, integer, boolean, timestamp, bytes, array or object."),
            };
        }
        bool required = false;
        if (json.TryGetProperty("required", out var r))
        {
            if (r.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Invalid($"'required' of {where} must be true or false.");
            required = r.GetBoolean();
        }
        string? references = null;
        if (json.TryGetProperty("references", out var refJson))
        {
            references = ExpectString(refJson, $"'references' of {where}");
            try { Names.Collection(references); }
            catch (InvalidInputException e) { throw Invalid($"'references' of {where}: {e.Message}"); }
        }
        var policy = ReferencePolicy.AddWins;
        if (json.TryGetProperty("policy", out var p))
        {
            if (references is null) throw Invalid($"'policy' of {where} applies only to a field with 'references'.");
            policy = ExpectString(p, $"'policy' of {where}") switch
            {
                "add-wins" => ReferencePolicy.AddWins,
                "remove-wins" => ReferencePolicy.RemoveWins,
                var other => throw Invalid($"'policy' of {where} is '{Names.Clip(other)}'; expected add-wins or remove-wins."),
            };
        }
        long? min = Bound(json, "min", where), max = Bound(json, "max", where);
        return new FieldRule { Path = path, Kind = kind, Type = type, Required = required, References = references, Policy = policy, Min = min, Max = max };
    }

    private static long? Bound(JsonElement json, string name, string where)
    {
        if (!json.TryGetProperty(name, out var b) || b.ValueKind == JsonValueKind.Null) return null;
        if (b.ValueKind != JsonValueKind.Number || !b.TryGetInt64(out long value)) throw Invalid($"'{name}' of {where} must be a whole number.");
        return value;
    }

    /// <summary>The schema as canonical JSON (without analysis).</summary>
    public static void Write(Utf8JsonWriter w, Schema schema)
    {
        w.WriteStartObject();
        if (schema.Home is not null) w.WriteString("home", schema.Home);
        if (schema.Migration is { } migration) w.WriteNumber("migration", migration);
        w.WriteStartObject("collections");
        foreach (var c in schema.Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject(c.Name);
            if (c.Id != IdGeneration.Client) w.WriteString("id", c.Id.ToString().ToLowerInvariant());
            w.WriteStartObject("fields");
            foreach (var f in c.Fields.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                w.WriteStartObject(f.Path);
                w.WriteString("kind", f.Kind);
                if (f.Type is { } type) w.WriteString("type", type.ToString().ToLowerInvariant());
                if (f.Required) w.WriteBoolean("required", true);
                if (f.References is not null)
                {
                    w.WriteString("references", f.References);
                    w.WriteString("policy", f.Policy == ReferencePolicy.AddWins ? "add-wins" : "remove-wins");
                }
                if (f.Min is { } min) w.WriteNumber("min", min);
                if (f.Max is { } max) w.WriteNumber("max", max);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            if (c.Unique.Count > 0)
            {
                w.WriteStartArray("unique");
                foreach (var tuple in c.Unique)
                {
                    w.WriteStartArray();
                    foreach (var path in tuple) w.WriteStringValue(path);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            if (!c.Index.IsDefault)
            {
                if (!c.Index.Enabled) w.WriteBoolean("index", false);
                else
                {
                    w.WriteStartObject("index");
                    if (c.Index.Exclude.Count > 0 || c.Index.Compound.Count == 0)
                    {
                        w.WriteStartArray("exclude");
                        foreach (var path in c.Index.Exclude) w.WriteStringValue(path);
                        w.WriteEndArray();
                    }
                    if (c.Index.Compound.Count > 0)
                    {
                        w.WriteStartArray("compound");
                        foreach (var tuple in c.Index.Compound)
                        {
                            w.WriteStartArray();
                            foreach (var path in tuple) w.WriteStringValue(path);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
            }
            if (c.Checks.Count > 0)
            {
                w.WriteStartArray("checks");
                foreach (var check in c.Checks)
                {
                    w.WriteStartObject();
                    w.WriteString("name", check.Name);
                    w.WriteString("expr", check.Expression.Text);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string ToJson(Schema schema)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Write(w, schema);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Expect(JsonElement json, JsonValueKind kind, string what)
    {
        if (json.ValueKind != kind)
            throw Invalid($"{Capital(what)} must be {(kind switch { JsonValueKind.Object => "an object", JsonValueKind.Array => "an array", _ => "a string" })}.");
    }

    private static string ExpectString(JsonElement json, string what)
    {
        Expect(json, JsonValueKind.String, what);
        return json.GetString()!;
    }

    private static string RequiredString(JsonElement json, string name, string where)
    {
        if (!json.TryGetProperty(name, out var value)) throw Invalid($"{Capital(where)} needs '{name}'.");
        return ExpectString(value, $"'{name}' of {where}");
    }

    private static void Only(JsonElement json, string where, params string[] allowed)
    {
        foreach (var member in json.EnumerateObject())
            if (Array.IndexOf(allowed, member.Name) < 0)
                throw Invalid($"{Capital(where)} has an unknown member '{Names.Clip(member.Name)}'; it takes {string.Join(", ", allowed.Where(a => a is not ("analysis" or "version" or "commit" or "position" or "violations")))}.");
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidValue, message);
}
