using System.Text;

namespace Causeway.Encoding;

public sealed class IpldList : IpldNode
{
    private readonly IpldNode[] _items;

    public IpldList(IEnumerable<IpldNode> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        foreach (IpldNode item in _items) ArgumentNullException.ThrowIfNull(item, nameof(items));
    }

    /// <summary>Takes ownership of an array the caller will not touch again.</summary>
    internal IpldList(IpldNode[] items, bool owned) => _items = items;

    public IReadOnlyList<IpldNode> Items => _items;

    public int Count => _items.Length;

    public IpldNode this[int index] => _items[index];

    public override IpldKind Kind => IpldKind.List;

    public override bool Equals(IpldNode? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is not IpldList list || list._items.Length != _items.Length) return false;
        for (int i = 0; i < _items.Length; i++)
            if (!_items[i].Equals(list._items[i])) return false;
        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IpldKind.List);
        foreach (IpldNode item in _items) hash.Add(item.GetHashCode());
        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        builder.Append('[');
        for (int i = 0; i < _items.Length; i++)
        {
            if (i > 0) builder.Append(", ");
            _items[i].AppendDiagnostic(builder);
        }
        builder.Append(']');
    }

    internal override void Write(DagCborWriter writer, int depth)
    {
        DagCbor.CheckDepth(depth);
        writer.WriteStartArray(_items.Length);
        foreach (IpldNode item in _items) item.Write(writer, depth + 1);
        writer.WriteEndArray();
    }
}
