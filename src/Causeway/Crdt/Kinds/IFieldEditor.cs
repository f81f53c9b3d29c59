using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Values;

namespace Causeway.Crdt.Kinds;

/// <summary>What a field kind needs of the document editor to carry out a field operation:
/// the fields to prepare effects against, the commit's dot and origin, and a way to emit an
/// effect (applied at once, so the next one observes it). DocumentEditor implements it.</summary>
internal interface IFieldEditor
{
    CrdtMap Fields { get; }
    Dot Dot { get; }
    string Origin { get; }
    void Emit(CrdtOp effect);

    /// <summary>Writes a plain value (lww, or an object as a map), as a put does.</summary>
    void AssignValue(ImmutableArray<string> path, Value value);
}
