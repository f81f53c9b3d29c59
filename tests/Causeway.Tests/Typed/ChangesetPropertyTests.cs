using System.Text.Json;
using Causeway.Models;
using Causeway.Tests.Encoding;
using Causeway.Tests.Support;
using CsCheck;

namespace Causeway.Tests.Typed;

/// <summary>Whatever the input and whichever of its members are permitted: a cast, applied and saved
/// to a replica on disk, reads back as exactly the permitted values, every other property as a new
/// object has it, and the members left out are the ones listed as ignored.</summary>
public sealed class ChangesetPropertyTests
{
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Sample), typeof(Player));

    private static readonly string[] Paths = ["text", "small", "big", "ratio", "money", "yes", "when", "key", "numbers", "place.city"];

    private sealed record Input(string Text, int Small, long Big, double Ratio, decimal Money, bool Yes, DateTimeOffset When, Guid Key, long[] Numbers, string? City, bool[] Permit)
    {
        public bool Permits(string path) => Permit[Array.IndexOf(Paths, path)];

        public string Json()
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("text", Text);
                json.WriteNumber("small", Small);
                json.WriteNumber("big", Big);
                json.WriteNumber("ratio", Ratio);
                json.WriteNumber("money", Money);
                json.WriteBoolean("yes", Yes);
                json.WriteString("when", When);
                json.WriteString("key", Key);
                json.WriteStartArray("numbers");
                foreach (long n in Numbers) json.WriteNumberValue(n);
                json.WriteEndArray();
                json.WriteStartObject("place");
                json.WriteString("city", City);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        public override string ToString() => $"{Json()} permitting {string.Join(", ", Paths.Where(Permits))}";
    }

    private static readonly Gen<Input> Inputs =
        Gen.Select(IpldGen.Text, Gen.Int, ValueGen.Int, ValueGen.Double, ValueGen.Decimal, Gen.Bool, ValueGen.TimestampMicros, Gen.Guid)
            .Select(Gen.Select(ValueGen.Int.Array[0, 5], Gen.Bool.Select(IpldGen.Text, (none, t) => none ? null : (string?)t), Gen.Bool.Array[Paths.Length]),
                (a, b) => new Input(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, DateTimeOffset.UnixEpoch.AddTicks(a.Item7 * 10), a.Item8,
                    b.Item1, b.Item2, b.Item3));

    [Fact]
    public async Task Cast_applied_and_read_back_equals_the_permitted_input()
    {
        using var folder = new TempFolder();
        await using var replica = await Replica.OpenAsync(folder.Path);
        var db = await replica.CreateDatabaseAsync("samples");
        await Model.ApplyAsync(db);
        int next = 0;

        await Inputs.SampleAsync(async input =>
        {
            string id = $"s{++next}";
            var changeset = Changeset.For(new Sample { Id = id }, Model).Cast(input.Json(), [.. Paths.Where(input.Permits)]);
            Assert.True(changeset.IsValid, string.Join("; ", changeset.Errors));
            Assert.Equal(Paths.Where(p => !input.Permits(p)), changeset.Ignored);
            Assert.True((await db.OpenSession(Model).SaveChangesAsync(changeset)).Saved);

            var stored = (await db.OpenSession(Model).LoadNoTrackingAsync<Sample>(id))!;
            var blank = new Sample();
            Assert.Equal(input.Permits("text") ? input.Text : blank.Text, stored.Text);
            Assert.Equal(input.Permits("small") ? input.Small : blank.Small, stored.Small);
            Assert.Equal(input.Permits("big") ? input.Big : blank.Big, stored.Big);
            Assert.Equal(input.Permits("ratio") ? input.Ratio : blank.Ratio, stored.Ratio);
            Assert.Equal(input.Permits("money") ? input.Money : blank.Money, stored.Money);
            Assert.Equal(input.Permits("yes") ? input.Yes : blank.Yes, stored.Yes);
            Assert.Equal(input.Permits("when") ? input.When : blank.When, stored.When);
            Assert.Equal(input.Permits("key") ? input.Key : blank.Key, stored.Key);
            Assert.Equal(input.Permits("numbers") ? input.Numbers.Distinct().Order() : [], stored.Numbers.Order());
            Assert.Equal(input.Permits("place.city") ? input.City : null, stored.Place?.City);
        }, iter: 60, threads: 1, print: i => i.ToString());
    }
}
