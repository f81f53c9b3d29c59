using System.Collections.Immutable;

namespace Causeway.Crdt;

/// <summary>Applies <paramref name="Inner"/> to the field at <paramref name="Path"/> (field names
/// from the root; non-empty) of a <see cref="CrdtMap"/>, creating nested maps and the target
/// CRDT on demand. <paramref name="Inner"/> is a field op over <see cref="Values.Value"/>
/// (e.g. <c>LwwAssign&lt;Value&gt;</c>), never another <see cref="MapOp"/>.</summary>
public sealed record MapOp(ImmutableArray<string> Path, CrdtOp Inner) : CrdtOp<MapOp>
{
    public override FieldKind Kind => FieldKind.Map;

    public bool Equals(MapOp? other)
    {
        if (other is null || !Inner.Equals(other.Inner)) return false;
        var a = Path.AsSpan();
        var b = other.Path.AsSpan();
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
        return true;
    }

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var name in Path.AsSpan()) h.Add(name, StringComparer.Ordinal);
        h.Add(Inner);
        return h.ToHashCode();
    }

    public override string ToString() => $"MapOp {{ Path = {string.Join('.', Path.AsSpan().ToArray())}, Inner = {Inner} }}";
}
