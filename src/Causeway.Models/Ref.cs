using Causeway.Documents;

namespace Causeway.Models;

/// <summary>A reference to a document of <typeparamref name="T"/>'s collection: stored as its id (an
/// <c>lww</c> string with <c>references</c>), checked on every write, never dangling
/// (<see cref="ReferencesAttribute"/> chooses add-wins or remove-wins).</summary>
public sealed record Ref<T>(string Id) : IRef where T : class
{
    public string Id { get; } = Names.DocumentId(Id);

    public static implicit operator Ref<T>(string id) => new(id);

    public override string ToString() => Id;
}

/// <summary>What every <see cref="Ref{T}"/> is: an id, whatever it points to (for queries).</summary>
internal interface IRef
{
    string Id { get; }
}
