using System.Text.Json;
using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Replication;
using Causeway.Transactions;
using Causeway.Values;
using Causeway.Wire;
using CsCheck;

namespace Causeway.Tests.Wire;

/// <summary>Round trips of generated answers: whatever the values (any text, any count, any time,
/// optional parts set or not), reading what a codec wrote gives back every property, and writing
/// that again gives the same JSON.</summary>
public sealed class WirePropertyTests
{
    private static readonly Gen<string> Text = Causeway.Tests.Encoding.IpldGen.Text;

    /// <summary>Collection names, ids and field names: a letter, then letters, digits, '_' and '-'.</summary>
    private static readonly Gen<string> Name = Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzABC"], Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_-"], 0, 11])
        .Select((first, rest) => first + rest);
    private static readonly Gen<long> Count = Gen.OneOf(Gen.Long[0, 1000], Gen.Long[0, long.MaxValue]);
    private static readonly Gen<Cid> Cids = Gen.Byte.Array[0, 16].Select(bytes => Cid.ForDagCbor(bytes));
    private static readonly Gen<string?> NullableText = Text.Null();

    /// <summary>Times as they are written: microseconds, any offset (written and read as UTC).</summary>
    private static readonly Gen<DateTimeOffset> Times = Gen.Select(Gen.Long[new DateTime(2, 1, 1).Ticks / 10, new DateTime(9998, 1, 1).Ticks / 10], Gen.Int[-14 * 60, 14 * 60])
        .Select((micros, offset) => new DateTimeOffset(micros * 10, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset)));

    private static readonly Gen<List<KeyValuePair<string, long>>> Clocks = Gen.Select(Text, Gen.Long[1, long.MaxValue])
        .Select((origin, seq) => new KeyValuePair<string, long>(origin, seq)).List[0, 4]
        .Select(entries => entries.DistinctBy(e => e.Key).ToList());

    /// <summary>JSON-native values (what a plain answer reads back as itself): no decimals, timestamps or bytes, doubles with a fraction.</summary>
    private static readonly Gen<Value> Plain = Gen.Recursive<Value>((depth, self) =>
    {
        var leaf = Gen.OneOf(Gen.Const(Value.Null), Gen.Bool.Select(Value.Bool), Gen.Long.Select(Value.Int), Text.Select(Value.String),
            Gen.Double[-1e9, 1e9].Where(d => d != Math.Floor(d)).Select(Value.Double));
        if (depth > 2) return leaf;
        return Gen.OneOf(leaf, self.List[0, 3].Select(items => Value.Array(items)),
            // Keys starting with '$' are type tags on input, so a plain answer never holds them.
            Gen.Select(Name, self).List[0, 3].Select(entries => Value.Map(entries.DistinctBy(e => e.Item1).Select(e => new KeyValuePair<string, Value>(e.Item1, e.Item2)))));
    });

    private static readonly Gen<DatabaseInfo> Infos = Gen.Select(Name, Count, Count, Count, Cids.List[0, 3], Clocks, Text.List[0, 3].Null())
        .Select((name, documents, commits, position, heads, clock, holds) =>
            new DatabaseInfo(name, documents, commits, position, heads, clock.ToDictionary(StringComparer.Ordinal), holds));

    private static readonly Gen<Change> Changes = Gen.Select(Count, Cids, Text, Times,
            Gen.Select(Name, Name, Gen.Bool).Select((c, id, deleted) => new ChangedDocument(c, id, deleted)).List[0, 3])
        .Select((position, commit, origin, time, docs) => new Change(position, commit, origin, time, docs));

    private static readonly Gen<DocumentVersion> Versions = Gen.Select(Count, Cids, Text, Times, Gen.Bool,
            Gen.Select(Name, Text.Null(), Support.ValueGen.Any.Null()).Select((op, path, value) => new FieldChange(op, path, value)).List[0, 3])
        .Select((position, commit, origin, time, deleted, changes) => new DocumentVersion(position, commit, origin, time, deleted, changes));

    private static readonly Gen<VerifyReport> Reports = Gen.Select(Gen.Bool, Count,
            Gen.Select(Count.Nullable(), Cids.Nullable(), Text, Text).Select((position, commit, check, detail) => new VerifyProblem(position, commit, check, detail)).List[0, 3])
        .Select((ok, commits, problems) => new VerifyReport(ok, commits, problems));

    private static readonly Gen<SyncResult> Syncs = Gen.Select(Text, Count.Array[6], Clocks, Gen.Long[0, 1L << 40])
        .Select((peer, n, clock, ms) => new SyncResult(peer, n[0], n[1], n[2], n[3], n[4], n[5], new VersionVector(clock), TimeSpan.FromMilliseconds(ms)));

    private static readonly Gen<PeerStatus> Peers = Gen.Select(Text.Array[4], NullableText, Gen.Enum<SyncDirection>(), Gen.Enum<SyncMode>(), Count.Array[4], Gen.Int[0, int.MaxValue], Times, NullableText)
        .Select((t, peerDid, direction, mode, n, attempts, since, lastError) =>
            new PeerStatus(t[0], t[1], peerDid, t[2], direction, mode, t[3], n[0], n[1], n[2], n[3], attempts, since, lastError));

    private static Gen<Document> DocumentsOf(Gen<Value> values) => Gen.Select(Name, Name, Gen.Select(Name, values).List[0, 4], Cids.Nullable(), Count, Times, Text)
        .Select((collection, id, fields, commit, position, updated, origin) => Document.Create(collection, id,
            Value.Map(fields.Where(f => !f.Item1.StartsWith('_')).DistinctBy(f => f.Item1).Select(f => new KeyValuePair<string, Value>(f.Item1, f.Item2))),
            commit, position, updated, origin));

    [Fact]
    public void Database_infos_round_trip() => RoundTrips(Infos, DatabaseInfoJson.Write, DatabaseInfoJson.Read);

    private static readonly Gen<QuotaStatus> Quotas = Gen.Select(Count.Nullable().Array[4], Count.Array[3])
        .Select((limits, usage) => new QuotaStatus(new QuotaLimits(limits[0], limits[1], limits[2], limits[3]), new QuotaUsage(usage[0], usage[1], usage[2])));

    [Fact]
    public void Quotas_round_trip() => RoundTrips(Quotas, QuotasJson.Write, QuotasJson.Read);

    [Fact]
    public void Changes_round_trip() => RoundTrips(Changes, ChangeJson.Write, ChangeJson.Read);

    [Fact]
    public void Changes_pages_round_trip()
        => RoundTrips(Gen.Select(Changes.List[0, 3], Count).Select((changes, last) => new ChangesPage(changes, last)), ChangesPageJson.Write, ChangesPageJson.Read);

    [Fact]
    public void Document_versions_round_trip() => RoundTrips(Versions, DocumentVersionJson.Write, DocumentVersionJson.Read);

    [Fact]
    public void Verify_reports_round_trip() => RoundTrips(Reports, VerifyReportJson.Write, VerifyReportJson.Read);

    [Fact]
    public void Sync_results_round_trip() => RoundTrips(Syncs, (w, s) => SyncResultJson.Write(w, s), SyncResultJson.Read);

    [Fact]
    public void Peer_statuses_round_trip() => RoundTrips(Peers, (w, p) => PeerStatusJson.Write(w, p), PeerStatusJson.Read);

    [Fact]
    public void Transaction_results_round_trip()
        => RoundTrips(Gen.Select(Cids, Count, Name.List[0, 3]).Select((commit, position, created) => new TransactionResult(new WriteResult(commit, position), created)),
            TransactionResultJson.Write, TransactionResultJson.Read);

    [Fact]
    public void Import_results_round_trip()
        => RoundTrips(Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Count).Select((a, s, p) => new ImportResult(a, s, p)), ImportResultJson.Write, ImportResultJson.Read);

    /// <summary>Delegations as /v1/tokens answers them: any chain, any policy (typed values), time bounds or not, a powerline or not.</summary>
    [Fact]
    public void Delegation_tokens_round_trip()
        => RoundTrips(Gen.Select(Gen.Select(Cids, Text).Select((cid, token) => new TokenLink(cid, token)).List[1, 4], Text.Array[3], NullableText,
                Gen.Select(Plain.List[0, 3], Count.Nullable(), Count.Nullable()))
            .Select((chain, t, subject, rest) => new DelegationToken(chain[^1].Cid, chain[^1].Token, chain, t[0], t[1], subject, t[2],
                Value.Array(rest.Item1), rest.Item2, rest.Item3)),
            DelegationTokenJson.Write, DelegationTokenJson.Read);

    /// <summary>Answers are typed by default, so a document of any values reads back as itself.</summary>
    [Fact]
    public void Documents_of_every_value_kind_round_trip() => RoundTrips(DocumentsOf(Support.ValueGen.Any), DocumentJson.Write, DocumentJson.Read);

    /// <summary>Plain answers (<c>?values=plain</c>) read back as themselves only for JSON's own kinds.</summary>
    [Fact]
    public void Documents_of_plain_JSON_values_round_trip_plain()
        => RoundTrips(DocumentsOf(Plain), (w, d) => DocumentJson.Write(w, d, typed: false), DocumentJson.Read);

    /// <summary>The HTTP JSON path of a value: the server writes it typed (with its writer options),
    /// the client parses the answer; every kind comes back equal, kind and content, and writes the same text again.</summary>
    [Fact]
    public void Values_of_every_kind_round_trip_through_typed_JSON()
        => Support.ValueGen.Any.Sample(value =>
        {
            var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, options)) ValueJson.Write(writer, value);
            using var json = JsonDocument.Parse(stream.ToArray());
            var back = ValueJson.FromElement(json.RootElement);
            Assert.True(value.Equals(back), $"{value} came back as {back}");
            Assert.Equal(value.Kind, back.Kind);
            Assert.Equal(ValueJson.ToJsonString(value), ValueJson.ToJsonString(back));
        }, iter: 2000, print: value => ValueJson.ToJsonString(value));

    private static void RoundTrips<T>(Gen<T> gen, Action<Utf8JsonWriter, T> write, Func<JsonElement, T> read) where T : notnull
        => gen.Sample(value =>
        {
            string json = ToJson(w => write(w, value));
            using var document = JsonDocument.Parse(json);
            var back = read(document.RootElement);
            var differences = WireWalk.Differences(value, back);
            Assert.True(differences.Count == 0, json + "\n" + string.Join("\n", differences));
            Assert.Equal(json, ToJson(w => write(w, back)));
        }, iter: 300, print: value => ToJson(w => write(w, value)));

    private static string ToJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
