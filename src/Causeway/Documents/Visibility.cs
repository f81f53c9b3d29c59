using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Whether a document is visible: it exists, and (remove-wins references) every document it
/// names through a remove-wins reference is visible too. Evaluated on whatever state a replica has,
/// so once replicas converge they agree, and a child written concurrently with its parent's delete
/// vanishes everywhere alike. The analyzer refuses remove-wins cycles, so this terminates.</summary>
public static class Visibility
{
    public static bool IsVisible(Schema schema, string collection, DocumentState? state, Func<string, string, DocumentState?> lookup)
    {
        if (state is null || !state.Exists) return false;
        var rules = schema.For(collection);
        if (rules is null) return true;
        foreach (var field in rules.Fields.Values)
        {
            if (field.References is not { } parent || field.Policy != ReferencePolicy.RemoveWins) continue;
            if (ReferenceOf(state, field) is not { } id) continue;
            if (!IsVisible(schema, parent, lookup(parent, id), lookup)) return false;
        }
        return true;
    }

    /// <summary>What a partial replica assumes of a parent it does not hold: that it is there (it
    /// cannot know otherwise; a replica that holds both decides).</summary>
    public static DocumentState Unknown { get; } = CreateUnknown();

    private static DocumentState CreateUnknown()
    {
        var state = new DocumentState();
        state.Live.Apply(new Crdt.EwEnable(new Clocks.Dot("unknown", 1), Crdt.DotSet.Empty));
        return state;
    }

    /// <summary>True when the collection has a remove-wins reference, so reads must check parents.</summary>
    public static bool DependsOnParents(Schema schema, string collection)
        => schema.For(collection)?.Fields.Values.Any(f => f.References is not null && f.Policy == ReferencePolicy.RemoveWins) == true;

    /// <summary>The document id a reference field holds, or null when it holds none.</summary>
    public static string? ReferenceOf(DocumentState state, FieldRule field)
        => state.Fields.ValueAt(field.Path.Split('.')) is { Kind: ValueKind.String } id ? id.AsString() : null;
}
