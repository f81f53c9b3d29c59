using Causeway.Crdt;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>The CRDT state of one document: an enable-wins existence flag and a map of fields.
/// Deleting disables the dots it has seen and leaves the fields alone, so a concurrent update
/// (which enables a fresh dot) wins and brings the document back whole.</summary>
public sealed class DocumentState : IEquatable<DocumentState>
{
    public DocumentState() : this(new EwFlag(), new CrdtMap()) { }

    public DocumentState(EwFlag live, CrdtMap fields)
    {
        Live = live;
        Fields = fields;
    }

    public EwFlag Live { get; }
    public CrdtMap Fields { get; }

    public bool Exists => Live.Value;

    /// <summary>The visible fields as a map value.</summary>
    public Value ToValue() => Fields.ToValue();

    /// <summary>Applies one effect of a document operation.</summary>
    public void Apply(CrdtOp effect)
    {
        switch (effect)
        {
            case MapOp field: Fields.Apply(field); break;
            case EwEnable or EwDisable: Live.Apply(effect); break;
            default: throw new ArgumentException($"{effect.GetType().Name} is not a document effect.", nameof(effect));
        }
    }

    public DocumentState Clone() => new(Live.Clone(), Fields.Clone());

    public bool Equals(DocumentState? other) => other is not null && Live.Equals(other.Live) && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as DocumentState);
    public override int GetHashCode() => Live.Value.GetHashCode();
}
