using System.Globalization;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Transactions;
using Causeway.Values;

namespace Causeway.Invariants;

/// <summary>Sequence ids: dense integers from blocks the home replica hands out. The state is the
/// document <c>_sequences/{collection}</c>: <c>next</c> (the next block's start, written only by the
/// home), <c>blocks</c> (a set of [replica, start, size]) and <c>used</c> (per replica, the highest
/// number it has given, written only by that replica), so a restart never gives a number twice.</summary>
internal static class SequenceRules
{
    public const string Used = "used";
    public const string Blocks = "blocks";
    public const long BlockSize = 100;

    public static void Enforce(StagedDocuments staged, string me)
    {
        var schema = staged.Schema;
        for (int i = 0; i < staged.Entries.Count; i++)
        {
            var entry = staged.Entries[i];
            if (entry.Collection == SystemCollections.Sequences) HomeOnly.Check<DocumentIntent.AllocateBlock>(entry, me, schema.Home, $"blocks of {entry.Id}");
            if (schema.For(entry.Collection) is not { Id: IdGeneration.Sequence } || entry.Existed || !entry.State.Exists) continue;
            bool generated = entry.Intents.Any(x => x is DocumentIntent.Create);
            if (!generated || !long.TryParse(entry.Id, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                throw new SchemaViolationException($"Ids of '{entry.Collection}' are generated (sequence): create its documents without an id (POST), not as {entry.Collection}/{entry.Id}.");
            var path = new[] { Used, me };
            long highest = staged.StateOf(SystemCollections.Sequences, entry.Collection)?.Fields.ValueAt(path) is { Kind: ValueKind.Int } used ? used.AsInt() : 0;
            if (number > highest)
                staged.Edit(SystemCollections.Sequences, entry.Collection, [new DocumentIntent.Patch([FieldOp.Set($"{Used}.{me}", Value.Int(number))])]);
        }
    }

    /// <summary>This replica's blocks and highest used number, as the stored document says.</summary>
    public static SequenceBlocks Load(DocumentState? state, string me)
    {
        var blocks = new SequenceBlocks();
        if (state is null) return blocks;
        if (state.Fields.FieldAt([Blocks])?.AwSet is { } set)
            foreach (var element in set.Elements)
                if (element.Kind == ValueKind.Array && element.AsArray() is [{ Kind: ValueKind.String } to, { Kind: ValueKind.Int } start, { Kind: ValueKind.Int } size] && to.AsString() == me)
                    blocks.Grant(start.AsInt(), size.AsInt());
        if (state.Fields.ValueAt([Used, me]) is { Kind: ValueKind.Int } used) blocks.MarkUsed(used.AsInt());
        return blocks;
    }
}
