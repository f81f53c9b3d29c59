using System.Text;
using Causeway.Errors;

namespace Causeway.Encoding;

/// <summary>A map with text keys, kept in DAG-CBOR key order (<see cref="DagCborKeyComparer"/>).</summary>
public sealed class IpldMap : IpldNode
{
    private readonly KeyValuePair<string, IpldNode>[] _entries;

    /// <exception cref="InvalidInputException">A repeated key or a key with an unpaired surrogate (code invalid_value).</exception>
    public IpldMap(IEnumerable<KeyValuePair<string, IpldNode>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
        foreach (var (key, value) in _entries)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(value, nameof(entries));
            if (!Utf16Text.IsWellFormed(key))
                throw new InvalidInputException(ErrorCodes.InvalidValue, "A map key contains an unpaired surrogate and has no UTF-8 form.");
        }
        Array.Sort(_entries, static (a, b) => DagCborKeyComparer.Instance.Compare(a.Key, b.Key));
        for (int i = 1; i < _entries.Length; i++)
            if (string.Equals(_entries[i - 1].Key, _entries[i].Key, StringComparison.Ordinal))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Map key \"{_entries[i].Key}\" appears twice.");
    }

    /// <summary>Takes ownership of entries already in DAG-CBOR order without duplicates.</summary>
    internal IpldMap(KeyValuePair<string, IpldNode>[] sortedEntries, bool owned) => _entries = sortedEntries;

    /// <summary>The entries in DAG-CBOR key order.</summary>
    public IReadOnlyList<KeyValuePair<string, IpldNode>> Entries => _entries;

    public int Count => _entries.Length;

    public IpldNode? Get(string key)
    {
        foreach (var (k, v) in _entries)
            if (string.Equals(k, key, StringComparison.Ordinal)) return v;
        return null;
    }

    public override IpldKind Kind => IpldKind.Map;

    public override bool Equals(IpldNode? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is not IpldMap map || map._entries.Length != _entries.Length) return false;
        for (int i = 0; i < _entries.Length; i++)
        {
            if (!string.Equals(_entries[i].Key, map._entries[i].Key, StringComparison.Ordinal)) return false;
            if (!_entries[i].Value.Equals(map._entries[i].Value)) return false;
        }
        return true;
    }

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IpldKind.Map);
        foreach (var (key, value) in _entries)
        {
            hash.Add(string.GetHashCode(key, StringComparison.Ordinal));
            hash.Add(value.GetHashCode());
        }
        return hash.ToHashCode();
    }

    internal override void AppendDiagnostic(StringBuilder builder)
    {
        builder.Append('{');
        for (int i = 0; i < _entries.Length; i++)
        {
            if (i > 0) builder.Append(", ");
            AppendQuoted(builder, _entries[i].Key);
            builder.Append(": ");
            _entries[i].Value.AppendDiagnostic(builder);
        }
        builder.Append('}');
    }

    internal override void Write(DagCborWriter writer, int depth)
    {
        DagCbor.CheckDepth(depth);
        writer.WriteStartMap(_entries.Length);
        foreach (var (key, value) in _entries)
        {
            writer.WriteText(key);
            value.Write(writer, depth + 1);
        }
        writer.WriteEndMap();
    }
}
