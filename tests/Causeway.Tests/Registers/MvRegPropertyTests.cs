using Causeway.Models;
using Causeway.Replication;
using CsCheck;

namespace Causeway.Tests.Registers;

/// <summary>Rounds of sets on two replicas, each round ended by a sync: after every round both replicas
/// show the same values in the same order, and they are exactly the distinct values written in that
/// round (or those before it, when nothing was written).</summary>
public sealed class MvRegPropertyTests
{
    /// <summary>No set (0), or a set of "a", "b" or "c": few values, so both replicas often set the same one.</summary>
    private static readonly Gen<string?> SetOrNot = Gen.Int[0, 3].Select(i => i == 0 ? null : ((char)('a' + i - 1)).ToString());

    private static readonly Gen<(string? Here, string? There)[]> Rounds = Gen.Select(SetOrNot, SetOrNot).Array[1, 6];

    [Fact]
    public async Task MvReg_after_each_synced_round_both_replicas_show_the_values_set_in_it()
    {
        await Rounds.SampleAsync(async rounds =>
        {
            await using var replicaA = Replica.OpenInMemory();
            await using var replicaB = Replica.OpenInMemory();
            var a = await replicaA.CreateDatabaseAsync("listings");
            var b = await replicaB.CreateDatabaseAsync("listings");
            await TwoReplicas.Model.ApplyAsync(a);
            var create = a.OpenSession(TwoReplicas.Model);
            create.Store(new Listing { Id = "lamp", Title = new MvReg<string>("start") });
            await create.SaveChangesAsync();
            await a.SyncWithAsync(b, SyncDirection.Both);

            IReadOnlyList<string> expected = ["start"];
            foreach (var (here, there) in rounds)
            {
                foreach (var (db, value) in new[] { (a, here), (b, there) })
                {
                    if (value is null) continue;
                    var session = db.OpenSession(TwoReplicas.Model);
                    (await session.LoadAsync<Listing>("lamp"))!.Title.Set(value);
                    await session.SaveChangesAsync();
                }
                await a.SyncWithAsync(b, SyncDirection.Both);
                // Setting the one value a replica holds writes nothing, as for any property set to its value.
                var written = new[] { here, there }.OfType<string>().Where(v => !(expected.Count == 1 && expected[0] == v)).Distinct().ToList();
                if (written.Count > 0) expected = written;

                var onA = (await a.OpenSession(TwoReplicas.Model).LoadAsync<Listing>("lamp"))!.Title;
                var onB = (await b.OpenSession(TwoReplicas.Model).LoadAsync<Listing>("lamp"))!.Title;
                Assert.Equal(expected.Order(StringComparer.Ordinal), onA.Values.Order(StringComparer.Ordinal));
                Assert.Equal(onA.Values, onB.Values);
                Assert.Equal(onA.Value, onB.Value);
                Assert.Equal(expected.Count > 1, onA.IsConflicted);
            }
        }, iter: 40, threads: 1, print: rounds => string.Join(" ", rounds.Select(r => $"({r.Here ?? "-"},{r.There ?? "-"})")));
    }
}
