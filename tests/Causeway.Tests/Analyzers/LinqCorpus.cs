using System.Globalization;
using Causeway.Models;
using Causeway.Queries;
using Causeway.Tests.Mapping;
using Causeway.Tests.Registers;
using Causeway.Tests.Typed;

// This file is compiled twice: into the test assembly, where its queries run through the real
// translator, and by LinqAnalyzerTests in memory (with CORPUS_CHECK), where the analyzer reads it.
// Here the refused queries are written on purpose, so their warnings are silenced.
#if !CORPUS_CHECK
#pragma warning disable CW1001, CW1002, CW1003, CW1004, CW1005, CW1006, CW1007, CW1008, CW1009
#endif

namespace Causeway.Tests.Analyzers;

/// <summary>The analyzer must report this case with <paramref name="id"/> at exactly <paramref name="text"/>,
/// and the translator must refuse it for the same reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RefusedAttribute(string id, string text) : Attribute
{
    public string Id { get; } = id;
    public string Text { get; } = text;
}

/// <summary>The translator accepts this case; the analyzer must stay silent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TranslatedAttribute : Attribute;

/// <summary>The translator refuses this case for a value known only when the query runs; the analyzer,
/// which cannot be sure, must stay silent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnsureAttribute : Attribute;

/// <summary>Typed queries over the exchange model, each one case: a method that builds its query AST.</summary>
public static class LinqCorpus
{
    // Refused: each with the diagnostic the analyzer gives and the sub-expression it names.

    [Refused("CW1001", "x.Species.EndsWith(\"a\")")]
    public static Query EndsWith(DocumentSession s) => s.Query<Item>().Where(x => x.Species.EndsWith("a")).ToQuery();

    [Refused("CW1001", "string.IsNullOrEmpty(x.Note)")]
    public static Query StaticMethod(DocumentSession s) => s.Query<Item>().Where(x => string.IsNullOrEmpty(x.Note)).ToQuery();

    [Refused("CW1001", "x.Tags.Any()")]
    public static Query EnumerableAny(DocumentSession s) => s.Query<Item>().Where(x => x.Tags.Any()).ToQuery();

    [Refused("CW1001", "p.Home!.City!.EndsWith(\"lo\")")]
    public static Query InsideAnd(DocumentSession s) => s.Query<Player>().Where(p => p.Name == "Ann" && !p.Home!.City!.EndsWith("lo")).ToQuery();

    [Refused("CW1002", "x.Price > x.DiscountedPrice")]
    public static Query TwoProperties(DocumentSession s) => s.Query<Item>().Where(x => x.Price > x.DiscountedPrice).ToQuery();

    [Refused("CW1002", "p.Name == p.Home!.City")]
    public static Query TwoPropertiesInOr(DocumentSession s) => s.Query<Player>().Where(p => p.Credits.Value > 3 || p.Name == p.Home!.City).ToQuery();

    [Refused("CW1003", "x.Species.ToUpper()")]
    public static Query ComputedComparison(DocumentSession s) => s.Query<Item>().Where(x => x.Species.ToUpper() == "A").ToQuery();

    [Refused("CW1003", "x.Price * x.Price")]
    public static Query Arithmetic(DocumentSession s) => s.Query<Item>().Where(x => x.Price * x.Price > 10).ToQuery();

    [Refused("CW1003", "x.Species.Trim()")]
    public static Query ComputedPrefix(DocumentSession s) => s.Query<Item>().Where(x => x.Species.Trim().StartsWith("a")).ToQuery();

    [Refused("CW1003", "x.Species.ToLower()")]
    public static Query ComputedSortKey(DocumentSession s) => s.Query<Item>().OrderBy(x => x.Species.ToLower()).ToQuery();

    [Refused("CW1003", "1")]
    public static Query ConstantSortKey(DocumentSession s) => s.Query<Item>().OrderBy(x => 1).ToQuery();

    [Refused("CW1004", "x.Species.Contains(\"a\")")]
    public static Query Substring(DocumentSession s) => s.Query<Item>().Where(x => x.Species.Contains("a")).ToQuery();

    [Refused("CW1004", "x.Species.StartsWith(\"a\", StringComparison.OrdinalIgnoreCase)")]
    public static Query IgnoreCasePrefix(DocumentSession s) => s.Query<Item>().Where(x => x.Species.StartsWith("a", StringComparison.OrdinalIgnoreCase)).ToQuery();

    [Refused("CW1004", "x.Species.StartsWith('a')")]
    public static Query CharPrefix(DocumentSession s) => s.Query<Item>().Where(x => x.Species.StartsWith('a')).ToQuery();

    [Refused("CW1004", "x.Species.StartsWith(\"a\", true, CultureInfo.InvariantCulture)")]
    public static Query CulturePrefix(DocumentSession s) => s.Query<Item>().Where(x => x.Species.StartsWith("a", true, CultureInfo.InvariantCulture)).ToQuery();

    [Refused("CW1004", "null")]
    public static Query NullPrefix(DocumentSession s) => s.Query<Item>().Where(x => x.Species.StartsWith(null!)).ToQuery();

    [Refused("CW1004", "x.Tags.Contains(x.Species)")]
    public static Query ContainsBothSides(DocumentSession s) => s.Query<Item>().Where(x => x.Tags.Contains(x.Species)).ToQuery();

    [Refused("CW1004", "x.Tags")]
    public static Query SetInList(DocumentSession s)
    {
        var sets = new List<RwSet<string>> { new() };
        return s.Query<Item>().Where(x => sets.Contains(x.Tags)).ToQuery();
    }

    [Refused("CW1005", "x.Tags.Count")]
    public static Query SetSize(DocumentSession s) => s.Query<Item>().Where(x => x.Tags.Count > 1).ToQuery();

    [Refused("CW1006", "x.Tags")]
    public static Query OrderBySet(DocumentSession s) => s.Query<Item>().OrderBy(x => x.Tags).ToQuery();

    [Refused("CW1006", "p.Home")]
    public static Query ThenByNested(DocumentSession s) => s.Query<Player>().OrderBy(p => p.Name).ThenByDescending(p => p.Home).ToQuery();

    [Refused("CW1006", "p.Home")]
    public static Query NestedEqualsNew(DocumentSession s) => s.Query<Player>().Where(p => p.Home == new Address()).ToQuery();

    [Refused("CW1007", "p.Credits")]
    public static Query OrderByCounter(DocumentSession s) => s.Query<Player>().OrderBy(p => p.Credits).ToQuery();

    [Refused("CW1007", "x.ForSale")]
    public static Query OrderByFlag(DocumentSession s) => s.Query<Item>().OrderByDescending(x => x.ForSale).ToQuery();

    [Refused("CW1007", "p.Trades")]
    public static Query CounterEqualsNull(DocumentSession s) => s.Query<Player>().Where(p => p.Trades == null).ToQuery();

    [Refused("CW1008", "x.Species.Length")]
    public static Query StringLength(DocumentSession s) => s.Query<Item>().Where(x => x.Species.Length > 3).ToQuery();

    [Refused("CW1008", "x.Scratch")]
    public static Query IgnoredProperty(DocumentSession s) => s.Query<Sample>().Where(x => x.Scratch == "a").ToQuery();

    [Refused("CW1008", "x.Maybe!.Value")]
    public static Query NullableValue(DocumentSession s) => s.Query<Sample>().Where(x => x.Maybe!.Value > 3).ToQuery();

    [Refused("CW1008", "x.When.Year")]
    public static Query ThenByYear(DocumentSession s) => s.Query<Sample>().OrderBy(x => x.Id).ThenBy(x => x.When.Year).ToQuery();

    [Refused("CW1008", "x.Id!.Length")]
    public static Query IdLength(DocumentSession s) => s.Query<Item>().Where(x => x.Id!.Length > 2).ToQuery();

    [Refused("CW1003", "x.Tags.Contains(\"a\")")]
    public static Query ContainsCompared(DocumentSession s) => s.Query<Item>().Where(x => x.Tags.Contains("a") == false).ToQuery();

    [Refused("CW1003", "DateTimeOffset.UtcNow")]
    public static Query StaticSortKey(DocumentSession s) => s.Query<Item>().OrderBy(x => DateTimeOffset.UtcNow).ToQuery();

    [Refused("CW1009", "l.Title.Value")]
    public static Query RegisterChosenValue(DocumentSession s) => s.Query<Listing>().Where(l => l.Title.Value == "Lamp").ToQuery();

    [Refused("CW1009", "l.Title.IsConflicted")]
    public static Query RegisterConflicted(DocumentSession s) => s.Query<Listing>().Where(l => l.Summary == "a" && l.Title.IsConflicted).ToQuery();

    [Refused("CW1009", "l.Title.Value")]
    public static Query RegisterValuePrefix(DocumentSession s) => s.Query<Listing>().Where(l => l.Title.Value!.StartsWith("L")).ToQuery();

    [Refused("CW1006", "l.Title")]
    public static Query OrderByRegister(DocumentSession s) => s.Query<Listing>().OrderBy(l => l.Title).ToQuery();

    [Refused("CW1008", "l.Title.Values.Count")]
    public static Query RegisterValueCount(DocumentSession s) => s.Query<Listing>().Where(l => l.Title.Values.Count > 1).ToQuery();

    [Refused("CW1009", "l.Price")]
    public static Query RegisterOrdered(DocumentSession s) => s.Query<Listing>().Where(l => l.Price > 5).ToQuery();

    [Refused("CW1009", "l.Note")]
    public static Query RegisterSortKey(DocumentSession s) => s.Query<Listing>().OrderBy(l => l.Summary).ThenBy(l => l.Note).ToQuery();

    [Refused("CW1009", "l.Note")]
    public static Query RegisterPrefix(DocumentSession s) => s.Query<Listing>().Where(l => l.Note!.StartsWith("a")).ToQuery();

    [Refused("CW1009", "l.Note")]
    public static Query RegisterInList(DocumentSession s)
    {
        string[] notes = ["a", "b"];
        return s.Query<Listing>().Where(l => notes.Contains(l.Note)).ToQuery();
    }

    // Translated: every form the translator knows.

    [Translated]
    public static Query RegisterEquality(DocumentSession s) => s.Query<Listing>().Where(l => l.Note == "a" || l.Note != "b" || l.Note == null || l.Price == 2).ToQuery();

    [Translated]
    public static Query RegisterContains(DocumentSession s)
        => s.Query<Listing>().Where(l => l.Title.Contains("Lamp") || l.Title.Values.Contains("Desk lamp") || l.Rank.Contains(3) || l.Title == null).ToQuery();

    [Translated]
    public static Query DictionaryEntry(DocumentSession s) => s.Query<Pantry>().Where(p => p.Counts["flour"] > 2 && p.Notes["salt"]!.StartsWith("fine")).OrderBy(p => p.Counts["sugar"]).ToQuery();

    [Translated]
    public static Query ScalarListContains(DocumentSession s) => s.Query<Recipe>().Where(r => r.Steps.Contains("knead") || r.Sizes!.Contains(3)).ToQuery();

    [Translated]
    public static Query EnumArrayContains(DocumentSession s)
    {
        ParcelStatus[] moving = [ParcelStatus.Packed, ParcelStatus.Shipped];
        return s.Query<Parcel>().Where(p => moving.Contains(p.Status) && p.Seen.Contains(ParcelStatus.Returned)).ToQuery();
    }

    [Refused("CW1003", "p.Counts[p.Id!]")]
    public static Query DictionaryKeyFromTheDocument(DocumentSession s) => s.Query<Pantry>().Where(p => p.Counts[p.Id!] > 2).ToQuery();

    [Refused("CW1006", "r.Steps")]
    public static Query ListComparedWithAValue(DocumentSession s) => s.Query<Recipe>().Where(r => r.Steps == new List<string> { "knead" }).ToQuery();

    [Translated]
    public static Query Equal(DocumentSession s) => s.Query<Item>().Where(x => x.Species == "cat").ToQuery();

    [Translated]
    public static Query CapturedValues(DocumentSession s)
    {
        double low = 10;
        string species = "cow";
        return s.Query<Item>().Where(x => x.Price >= low * 2 && x.Species != species).ToQuery();
    }

    [Translated]
    public static Query ValueOnTheLeft(DocumentSession s) => s.Query<Item>().Where(x => 25 > x.Price || !(x.Price > 5)).ToQuery();

    [Translated]
    public static Query Prefixes(DocumentSession s) => s.Query<Item>().Where(x => x.Species.StartsWith("ca") || x.Species.StartsWith("c", StringComparison.Ordinal)).ToQuery();

    [Translated]
    public static Query SetContains(DocumentSession s) => s.Query<Player>().Where(p => p.Badges.Contains("seller") || p.Badges.Contains("early")).ToQuery();

    [Translated]
    public static Query ListContains(DocumentSession s)
    {
        string[] pair = ["cat", "dog"];
        var list = new List<string> { "eel" };
        return s.Query<Item>().Where(x => pair.Contains(x.Species) || list.Contains(x.Species)).ToQuery();
    }

    [Translated]
    public static Query Nulls(DocumentSession s) => s.Query<Item>().Where(x => x.Price == null || x.Owner != null).ToQuery();

    [Translated]
    public static Query References(DocumentSession s)
    {
        var ann = new Ref<Player>("ann");
        return s.Query<Item>().Where(x => x.Owner!.Id == "ann" || x.Owner == ann).ToQuery();
    }

    [Translated]
    public static Query Flags(DocumentSession s) => s.Query<Item>().Where(x => x.ForSale.IsEnabled || !x.ForSale || x.ForSale.IsEnabled == false).ToQuery();

    [Translated]
    public static Query Ids(DocumentSession s) => s.Query<Item>().Where(x => x.Id == "cow" || x.Id == "eel").OrderBy(x => x.Id).ToQuery();

    [Translated]
    public static Query NestedAndCounters(DocumentSession s) => s.Query<Player>().Where(p => p.Home!.City == "Oslo" && p.Trades.Value > 0 && p.Home == null).ToQuery();

    [Translated]
    public static Query Scalars(DocumentSession s) => s.Query<Sample>().Where(x => x.Yes && x.Money > 5 && x.Maybe == null && x.Small < 3).ToQuery();

    [Translated]
    public static Query SortKeys(DocumentSession s) => s.Query<Player>().OrderByDescending(p => p.Credits.Value).ThenBy(p => p.Home!.City).ThenByDescending(p => p.Name).ToQuery();

    [Translated]
    public static Query SortByFlagAndReference(DocumentSession s) => s.Query<Item>().OrderBy(x => x.ForSale.IsEnabled).ThenBy(x => x.Owner!.Id).ToQuery();

    // Unsure: refused only for a value the analyzer cannot know.

    [Unsure]
    public static Query CapturedComparison(DocumentSession s)
    {
        var comparison = StringComparison.OrdinalIgnoreCase;
        return s.Query<Item>().Where(x => x.Species.StartsWith("a", comparison)).ToQuery();
    }

    [Unsure]
    public static Query NestedEqualsCaptured(DocumentSession s)
    {
        var home = new Address { City = "Oslo" };
        return s.Query<Player>().Where(p => p.Home == home).ToQuery();
    }

    [Unsure]
    public static Query CapturedNullPrefix(DocumentSession s)
    {
        string? prefix = null;
        return s.Query<Item>().Where(x => x.Species.StartsWith(prefix!)).ToQuery();
    }
}
