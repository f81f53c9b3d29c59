using System.Collections;
using System.Reflection;
using System.Text.Json;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Functions;
using Causeway.Queries;
using Causeway.Replication;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;
using Causeway.Wire;

namespace Causeway.Tests.Wire;

/// <summary>Where each public property of a result record stands in its JSON (docs/api.md). Every
/// property of every record below must be listed: a property added to a record without a place
/// here fails <see cref="WireShapeTests"/>, and so does a member the writer adds that no property
/// reads, or a property the reader does not restore.</summary>
/// <remarks>A rule is the member's name (a record or a list of records is walked into); <see cref="Flat"/>
/// when the property's own members stand at the same level; <see cref="Rest"/> for the members
/// that are not named otherwise (a document's fields); or <see cref="Off"/> with the reason the
/// property is not on the wire.</remarks>
internal static class WireMap
{
    public const string Flat = "";
    public const string Rest = "*";
    public static string Off(string reason) => "-" + reason;

    public static readonly IReadOnlyDictionary<Type, IReadOnlyDictionary<string, string>> Members = new Dictionary<Type, IReadOnlyDictionary<string, string>>
    {
        [typeof(WriteResult)] = Map(("Commit", "commit"), ("Position", "position")),
        [typeof(TransactionResult)] = Map(("Result", Flat), ("Created", "created"),
            ("Commit", Off("Result.Commit")), ("Position", Off("Result.Position"))),
        [typeof(DatabaseInfo)] = Map(("Name", "name"), ("Documents", "documents"), ("Commits", "commits"), ("Position", "position"),
            ("Heads", "heads"), ("Clock", "clock"), ("Holds", "holds")),
        [typeof(HealthReportInfo)] = Map(("Status", "status"), ("Checks", "checks")),
        [typeof(HealthCheckInfo)] = Map(("Name", "name"), ("Status", "status"), ("Description", "description"), ("Details", "details")),
        [typeof(HealthDetail)] = Map(("Name", "name"), ("Value", "value")),
        [typeof(ServerStatus)] = Map(("Replica", "replica"), ("Owner", "owner"), ("Version", "version"), ("Databases", "databases")),
        [typeof(BackupReport)] = Map(("Folder", "dir"), ("Replica", "replica"), ("Databases", "databases")),
        [typeof(DelegationToken)] = Map(("Cid", "cid"), ("Token", "token"), ("Chain", "chain"), ("Issuer", "iss"), ("Audience", "aud"), ("Subject", "sub"),
            ("Command", "cmd"), ("Policy", "pol"), ("Expiration", "exp"), ("NotBefore", "nbf")),
        [typeof(TokenLink)] = Map(("Cid", "cid"), ("Token", "token")),
        [typeof(TokenReport)] = Map(("Cid", "cid"), ("Kind", "kind"), ("Issuer", "iss"), ("Audience", "aud"), ("Subject", "sub"), ("Command", "cmd"),
            ("Policy", "pol"), ("Arguments", "args"), ("NotBefore", "nbf"), ("Expiration", "exp"), ("Valid", "valid"), ("Problem", "problem")),
        [typeof(SchemaChangeReport)] = Map(("Kind", "kind"), ("Collection", "collection"), ("Fields", "fields"), ("Detail", "detail"), ("Breaking", "breaking")),
        [typeof(SchemaDiffReport)] = Map(("Migration", "migration"), ("Changes", "changes")),
        [typeof(MigrationReport)] = Map(("From", "from"), ("To", "to"), ("Applied", "applied"), ("SchemaVersion", "schemaVersion"), ("Changes", "changes")),
        [typeof(Document)] = Map(("Id", "_id"), ("Collection", "_collection"), ("Commit", "_meta.commit"), ("Position", "_meta.position"),
            ("UpdatedAt", "_meta.updatedAt"), ("Origin", "_meta.origin"), ("Fields", Rest)),
        [typeof(DocumentVersion)] = Map(("Position", "position"), ("Commit", "commit"), ("Origin", "origin"), ("Time", "time"),
            ("Deleted", "deleted"), ("Changes", "changes")),
        [typeof(FieldChange)] = Map(("Op", "op"), ("Path", "path"), ("Value", "value")),
        [typeof(Change)] = Map(("Position", "position"), ("Commit", "commit"), ("Origin", "origin"), ("Time", "time"), ("Documents", "docs")),
        [typeof(ChangedDocument)] = Map(("Collection", "collection"), ("Id", "id"), ("Deleted", "deleted")),
        [typeof(ChangesPage)] = Map(("Changes", "changes"), ("Last", "last")),
        [typeof(VerifyReport)] = Map(("Ok", "ok"), ("Commits", "commits"), ("Problems", "problems")),
        [typeof(VerifyProblem)] = Map(("Position", "position"), ("Commit", "commit"), ("Check", "check"), ("Detail", "detail")),
        [typeof(ImportResult)] = Map(("Applied", "applied"), ("Skipped", "skipped"), ("Position", "position")),
        [typeof(SyncResult)] = Map(("PeerDid", "peer"), ("Applied", "applied"), ("Sent", "sent"), ("Skipped", "skipped"),
            ("BytesSent", "bytesSent"), ("BytesReceived", "bytesReceived"), ("Position", "position"), ("Clock", "clock"), ("Elapsed", "elapsedMs")),
        [typeof(PeerStatus)] = Map(("Id", "id"), ("Remote", "remote"), ("PeerDid", "peerDid"), ("Role", "role"), ("Direction", "direction"),
            ("Mode", "mode"), ("State", "state"), ("Ahead", "ahead"), ("Behind", "behind"), ("Sent", "sent"), ("Applied", "applied"),
            ("Attempts", "attempts"), ("Since", "since"), ("LastError", "lastError")),
        [typeof(QueryResult)] = Map(("Documents", "docs"), ("Next", "next"), ("Position", "position"), ("Plan", "plan")),
        [typeof(QueryPlan)] = Map(("Access", "access"), ("Ranges", "ranges"), ("Order", "order"), ("Fallback", "fallback"), ("EstimatedRows", "estimatedRows"),
            ("ExaminedRows", "examinedRows"), ("IndexKeysRead", "indexKeysRead"), ("ReturnedRows", "returnedRows")),
        [typeof(QueryCount)] = Map(("Count", "count"), ("Position", "position")),
        [typeof(LiveQueryEvent)] = Map(("Kind", "kind"), ("Position", "position"), ("Commit", "commit"), ("Origin", "origin"), ("Local", "local"),
            ("Entered", "entered"), ("Changed", "changed"), ("Left", "left")),
        [typeof(SchemaInfo)] = Map(("Version", Flat), ("Analysis", Flat), ("Violations", "violations"), ("Schema", Off("Version.Schema"))),
        [typeof(SchemaVersion)] = Map(("Schema", Flat), ("Version", "version"), ("Commit", "commit"), ("Position", "position")),
        [typeof(Schema)] = Map(("Collections", "collections"), ("Home", "home"), ("Migration", "migration")),
        [typeof(SchemaAnalysis)] = Map(("Constraints", "analysis")),
        [typeof(ConstraintAnalysis)] = Map(("Collection", "collection"), ("Constraint", "constraint"), ("Kind", "kind"), ("Technique", "technique"),
            ("Coordinates", "coordinates"), ("Explanation", "explanation")),
        [typeof(SchemaViolation)] = Map(("Collection", "collection"), ("Id", "id"), ("Constraint", "constraint"), ("Problem", "problem")),
        [typeof(ApiProblem)] = Map(("Code", "code"), ("Status", "status"), ("Title", "title"), ("Detail", "detail"), ("Type", "type"),
            ("UcanError", "ucanError"), ("Proof", "proof"), ("Violation", "violation")),
        [typeof(Causeway.Errors.Violation)] = Map(("Rule", "rule"), ("Collection", "collection"), ("Id", "id"), ("Fields", "fields"), ("Check", "check"),
            ("Other", "other"), ("Side", "side"), ("Bound", "bound"), ("Value", "value")),
        [typeof(QuotaStatus)] = Map(("Limits", "limits"), ("Usage", "usage")),
        [typeof(QuotaLimits)] = Map(("Documents", "documents"), ("Bytes", "bytes"), ("WritesPerSecond", "writesPerSecond"), ("SyncSessions", "syncSessions")),
        [typeof(QuotaUsage)] = Map(("Documents", "documents"), ("Bytes", "bytes"), ("SyncSessions", "syncSessions")),
        [typeof(FunctionInfo)] = Map(("Definition", Flat), ("Definer", "definer"), ("Commit", "commit"), ("Position", "position"), ("Name", Off("Definition.Name"))),
        [typeof(FunctionDefinition)] = Map(("Name", "name"), ("Source", "source"), ("Role", "role"), ("Arguments", "args")),
        [typeof(FunctionGrant)] = Map(("Command", "cmd"), ("Collections", "collections")),
        [typeof(ArgumentShape)] = Map(("Members", Rest)),
        [typeof(FunctionList)] = Map(("Functions", "functions")),
        [typeof(CallResult)] = Map(("Result", "result"), ("Commit", "commit"), ("Position", "position"), ("Replayed", "replayed")),
        [typeof(FunctionLimits)] = Map(("Timeout", "timeoutMs"), ("Statements", "statements"), ("MemoryBytes", "memoryBytes"), ("RecursionDepth", "recursionDepth"),
            ("ArrayLength", "arrayLength"), ("RegexTimeout", "regexTimeoutMs"), ("ResultBytes", "resultBytes"), ("IdempotencyRetention", "idempotencyHours")),
        [typeof(DatabaseList)] = Map(("Databases", "databases")),
        [typeof(StreamToken)] = Map(("Token", "token"), ("Database", "db"), ("Expires", "expires")),
        [typeof(DocumentHistory)] = Map(("Versions", "versions")),
        [typeof(PeerList)] = Map(("Peers", "peers")),
    };

    private static IReadOnlyDictionary<string, string> Map(params (string Property, string Member)[] rules)
        => rules.ToDictionary(r => r.Property, r => r.Member, StringComparer.Ordinal);

    /// <summary>The public properties a record shows (indexers and the compiler's EqualityContract aside).</summary>
    public static IEnumerable<PropertyInfo> Properties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.CanRead);

    /// <summary>The element type of a list property, or null.</summary>
    public static Type? ElementOf(Type type)
        => type == typeof(string) ? null
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}

/// <summary>The list answers as records, so the walkers treat them like every other shape.</summary>
internal sealed record DatabaseList(IReadOnlyList<DatabaseInfo> Databases);

internal sealed record DocumentHistory(IReadOnlyList<DocumentVersion> Versions);

internal sealed record PeerList(IReadOnlyList<PeerStatus> Peers);

internal sealed record FunctionList(IReadOnlyList<FunctionInfo> Functions);

/// <summary>Walks a value and its JSON together by <see cref="WireMap"/>.</summary>
internal static class WireWalk
{
    /// <summary>Problems with the JSON written for <paramref name="value"/>: a mapped property whose
    /// member is missing (or null where the value is set), a property with no place in the map, and a
    /// member that no property reads (but for <paramref name="extras"/>).</summary>
    public static List<string> Coverage(object value, JsonElement json, IReadOnlySet<string>? extras = null)
    {
        var walk = new CoverageWalk(extras ?? new HashSet<string>());
        walk.Record(value.GetType(), value, json, "");
        return walk.Problems;
    }

    private sealed class CoverageWalk(IReadOnlySet<string> extras)
    {
        public List<string> Problems { get; } = [];

        /// <summary>The members read at each object (by path), "*" when any may be.</summary>
        private readonly Dictionary<string, HashSet<string>> _read = new(StringComparer.Ordinal);

        /// <summary>A record whose JSON object is at <paramref name="path"/>: read its members, then check that nothing else is there.</summary>
        public void Record(Type type, object value, JsonElement json, string path)
        {
            _records.Add(path);
            Members(type, value, json, path);
            Check(json, path);
        }

        /// <summary>Reads <paramref name="type"/>'s members from the object at <paramref name="path"/> (shared with a flattened owner).</summary>
        private void Members(Type type, object value, JsonElement json, string path)
        {
            if (!WireMap.Members.TryGetValue(type, out var map))
            {
                Problems.Add($"{type.Name} has no entry in WireMap");
                return;
            }
            foreach (var property in WireMap.Properties(type))
            {
                if (!map.TryGetValue(property.Name, out var rule))
                {
                    Problems.Add($"{type.Name}.{property.Name} has no place in WireMap: write it, read it and map it");
                    continue;
                }
                if (rule.StartsWith('-')) continue;
                object? item = property.GetValue(value);
                if (rule == WireMap.Flat)
                {
                    if (item is not null) Members(property.PropertyType, item, json, path);
                    continue;
                }
                if (rule == WireMap.Rest)
                {
                    Read(path, WireMap.Rest);
                    continue;
                }
                // A dotted rule ("_meta.commit") names a member of an object inside this one.
                JsonElement member = json;
                string memberPath = path;
                bool found = true;
                foreach (var part in rule.Split('.'))
                {
                    Read(memberPath, part);
                    memberPath = Join(memberPath, part);
                    if (member.ValueKind != JsonValueKind.Object || !member.TryGetProperty(part, out member))
                    {
                        found = false;
                        break;
                    }
                }
                if (!found)
                {
                    if (item is not null) Problems.Add($"{type.Name}.{property.Name} is set but '{memberPath}' is not written");
                    continue;
                }
                if (item is null) continue;
                if (member.ValueKind == JsonValueKind.Null && item is not Value { Kind: ValueKind.Null }) Problems.Add($"{type.Name}.{property.Name} is set but '{memberPath}' is written null");
                if (WireMap.Members.ContainsKey(property.PropertyType))
                    Record(property.PropertyType, item, member, memberPath);
                else if (WireMap.ElementOf(property.PropertyType) is { } element && WireMap.Members.ContainsKey(element) && member.ValueKind == JsonValueKind.Array)
                {
                    int i = 0;
                    foreach (var each in (IEnumerable)item)
                    {
                        Record(element, each!, member[i], $"{memberPath}[{i}]");
                        i++;
                    }
                }
            }
        }

        private void Read(string path, string member)
            => (_read.TryGetValue(path, out var names) ? names : _read[path] = new HashSet<string>(StringComparer.Ordinal)).Add(member);

        /// <summary>Every member of the object at <paramref name="path"/> was read; objects a dotted rule reached into too.</summary>
        private void Check(JsonElement json, string path)
        {
            if (json.ValueKind != JsonValueKind.Object) return;
            var names = _read.GetValueOrDefault(path) ?? [];
            foreach (var member in json.EnumerateObject())
            {
                string memberPath = Join(path, member.Name);
                if (names.Contains(member.Name))
                {
                    if (_read.ContainsKey(memberPath) && !_records.Contains(memberPath)) Check(member.Value, memberPath);
                }
                else if (!names.Contains(WireMap.Rest) && !extras.Contains(member.Name))
                    Problems.Add($"'{memberPath}' is written but no property reads it");
            }
        }

        /// <summary>The paths of walked records, which check their own members.</summary>
        private readonly HashSet<string> _records = [];

        private static string Join(string path, string member) => path.Length == 0 ? member : path + "." + member;
    }

    /// <summary>Differences between two values, property by property (lists item by item; leaves by
    /// their own equality), skipping what <see cref="WireMap"/> says is not on the wire.</summary>
    public static List<string> Differences(object? expected, object? actual, string path = "")
    {
        var differences = new List<string>();
        Compare(expected, actual, path.Length == 0 ? "value" : path, differences);
        return differences;
    }

    private static void Compare(object? expected, object? actual, string path, List<string> differences)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null) differences.Add($"{path}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        var type = expected.GetType();
        if (actual.GetType() != type && !(expected is IEnumerable && actual is IEnumerable))
        {
            differences.Add($"{path}: expected a {type.Name}, got a {actual.GetType().Name}");
            return;
        }
        if (expected is Schema schema)
        {
            string a = SchemaJson.ToJson(schema), b = SchemaJson.ToJson((Schema)actual);
            if (a != b) differences.Add($"{path}: expected {a}, got {b}");
            return;
        }
        if (WireMap.Members.TryGetValue(type, out var map))
        {
            foreach (var property in WireMap.Properties(type))
            {
                if (map.TryGetValue(property.Name, out var rule) && rule.StartsWith('-')) continue;
                Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}", differences);
            }
            return;
        }
        if (expected is Value or VersionVector or Cid or string || type.IsPrimitive || type.IsEnum || expected is DateTimeOffset or TimeSpan or decimal)
        {
            if (!expected.Equals(actual)) differences.Add($"{path}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            Compare(type.GetProperty("Key")!.GetValue(expected), type.GetProperty("Key")!.GetValue(actual), path + ".Key", differences);
            Compare(type.GetProperty("Value")!.GetValue(expected), type.GetProperty("Value")!.GetValue(actual), path + ".Value", differences);
            return;
        }
        if (expected is IEnumerable list)
        {
            var a = list.Cast<object?>().ToList();
            var b = ((IEnumerable)actual).Cast<object?>().ToList();
            if (a.Count != b.Count) differences.Add($"{path}: expected {a.Count} items, got {b.Count}");
            for (int i = 0; i < Math.Min(a.Count, b.Count); i++) Compare(a[i], b[i], $"{path}[{i}]", differences);
            return;
        }
        differences.Add($"{path}: {type.Name} has no entry in WireMap and no equality of its own the test knows");
    }

    /// <summary>Properties of <paramref name="value"/> (walked into mapped records and their lists) that are
    /// null, default or empty: a sample meant to set everything must not leave one out.</summary>
    public static List<string> Unset(object value, string path = "value")
    {
        var unset = new List<string>();
        var type = value.GetType();
        foreach (var property in WireMap.Properties(type))
        {
            if (WireMap.Members.TryGetValue(type, out var map) && map.TryGetValue(property.Name, out var rule) && rule.StartsWith('-')) continue;
            object? item = property.GetValue(value);
            string at = $"{path}.{property.Name}";
            if (item is null) unset.Add(at);
            else if (item is bool b && !b) unset.Add(at + " (false)");
            else if (item is not string && item is IEnumerable e && !e.Cast<object>().Any()) unset.Add(at + " (empty)");
            else if (item is Value { Kind: ValueKind.Null }) unset.Add(at + " (Value.Null)");
            else if (item.GetType().IsValueType && item.Equals(Activator.CreateInstance(item.GetType()))) unset.Add(at + " (default)");
            else if (WireMap.Members.ContainsKey(item.GetType())) unset.AddRange(Unset(item, at));
            else if (WireMap.ElementOf(item.GetType()) is { } element && WireMap.Members.ContainsKey(element))
            {
                int i = 0;
                foreach (var each in (IEnumerable)item) unset.AddRange(Unset(each!, $"{at}[{i++}]"));
            }
        }
        return unset;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
