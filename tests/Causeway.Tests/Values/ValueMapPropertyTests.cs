using Causeway.Errors;
using Causeway.Values;
using CsCheck;

namespace Causeway.Tests.Values;

/// <summary><see cref="Value.Map"/> sorts in place; it must mean what a sorted dictionary meant.</summary>
public sealed class ValueMapPropertyTests
{
    // Few distinct keys (some differing only in case, or a prefix of another) so lists repeat them.
    private static readonly Gen<string> Keys = Gen.Int[0, 8].Select(i => new[] { "a", "A", "ab", "b", "ba", "é", "z", "_id", "0" }[i]);

    [Fact]
    public void A_map_holds_its_entries_in_ordinal_order_and_refuses_a_repeated_key() =>
        Gen.Select(Keys, Gen.Int[0, 9]).List[0, 8].Sample(entries =>
        {
            var pairs = entries.Select(e => new KeyValuePair<string, Value>(e.Item1, Value.Int(e.Item2))).ToList();
            var repeated = pairs.GroupBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (repeated is not null)
            {
                var error = Assert.Throws<InvalidInputException>(() => Value.Map(pairs));
                Assert.Contains("appears twice", error.Message);
                return;
            }
            var map = Value.Map(pairs).AsMap();
            Assert.Equal(pairs.Select(p => p.Key).Order(StringComparer.Ordinal), map.Select(e => e.Key));
            foreach (var pair in pairs) Assert.Equal(pair.Value, Value.Map(pairs).Get(pair.Key));
        });

    [Fact]
    public void A_reserved_key_is_refused_wherever_it_stands() =>
        Gen.Int[0, 3].Sample(at =>
        {
            var pairs = new List<KeyValuePair<string, Value>> { new("b", Value.Int(1)), new("a", Value.Int(2)), new("c", Value.Int(3)) };
            pairs.Insert(at, new("$time", Value.Int(0)));
            var error = Assert.Throws<InvalidInputException>(() => Value.Map(pairs));
            Assert.Contains("reserved", error.Message);
        });

    [Fact]
    public void The_entries_given_are_not_changed_by_sorting()
    {
        KeyValuePair<string, Value>[] given = [new("b", Value.Int(1)), new("a", Value.Int(2))];
        var map = Value.Map(given);
        Assert.Equal("b", given[0].Key);
        Assert.Equal(["a", "b"], map.AsMap().Select(e => e.Key));
    }
}
