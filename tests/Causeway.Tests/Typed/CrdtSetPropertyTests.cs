using Causeway.Models;
using CsCheck;

namespace Causeway.Tests.Typed;

/// <summary>A set keeps small element lists without a hash set and builds one past eight elements; either
/// way it must behave as a set: the model here is a plain list of distinct elements in insertion order,
/// and the pending changes are exactly the adds and removes that changed something.</summary>
public sealed class CrdtSetPropertyTests
{
    [Fact]
    public void A_set_behaves_as_a_list_of_distinct_elements_across_the_hash_threshold()
    {
        // Elements from a small range, so adds repeat and removes hit; up to 60 steps, so sets grow past 8.
        Gen.Select(Gen.Int[0, 20].Array[0, 12], Gen.Select(Gen.Bool, Gen.Int[0, 20]).Array[0, 60]).Sample((loaded, steps) =>
        {
            var set = new AwSet<int>();
            set.Load(loaded.Select(e => (long)e).ToList(), e => (int)e);
            var model = loaded.Distinct().ToList();
            var pending = new List<(bool Add, int Element)>();
            Assert.Empty(set.Pending);
            foreach (var (add, element) in steps)
            {
                bool changed = add ? set.Add(element) : set.Remove(element);
                bool expected = add ? !model.Contains(element) : model.Contains(element);
                Assert.Equal(expected, changed);
                if (expected)
                {
                    if (add) model.Add(element); else model.Remove(element);
                    pending.Add((add, element));
                }
                Assert.Equal(model.Count, set.Count);
                for (int probe = 0; probe <= 20; probe++) Assert.Equal(model.Contains(probe), set.Contains(probe));
            }
            Assert.Equal(model, set.ToList());
            Assert.Equal(pending, set.Pending);
            set.Accept();
            Assert.Empty(set.Pending);
        });
    }
}
