using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>Between a UCAN's IPLD data (arguments, policies, meta) and <see cref="Value"/>, which the
/// policy language evaluates. A link becomes <c>{"/": "bafy…"}</c>, its DAG-JSON form.</summary>
public static class IpldValues
{
    /// <exception cref="InvalidInputException">An integer beyond 64 bits or a map key starting with '$'.</exception>
    public static Value ToValue(IpldNode node) => node switch
    {
        IpldNull => Value.Null,
        IpldBool b => Value.Bool(b.Value),
        IpldInteger i => i.TryGetInt64(out long l) ? Value.Int(l)
            : throw new InvalidInputException(ErrorCodes.InvalidValue, $"The integer {i.Value} does not fit in 64 bits."),
        IpldFloat f => Value.Double(f.Value),
        IpldString s => Value.String(s.Value),
        IpldBytes b => Value.Bytes(b.Value.Span),
        IpldLink l => Value.Map([new("/", Value.String(l.Value.ToString()))]),
        IpldList list => Value.Array(list.Items.Select(ToValue)),
        IpldMap map => Value.Map(map.Entries.Select(e => new KeyValuePair<string, Value>(e.Key, ToValue(e.Value)))),
        _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"An IPLD {node.Kind} has no value form."),
    };

    /// <exception cref="InvalidInputException">A decimal or timestamp, which IPLD data in a UCAN does not carry.</exception>
    public static IpldNode ToIpld(Value value) => value.Kind switch
    {
        ValueKind.Null => IpldNode.Null,
        ValueKind.Bool => IpldNode.Bool(value.AsBool()),
        ValueKind.Int => IpldNode.Integer(value.AsInt()),
        ValueKind.Double => IpldNode.Float(value.AsDouble()),
        ValueKind.String => IpldNode.String(value.AsString()),
        ValueKind.Bytes => IpldNode.Bytes(value.AsBytes().Span),
        ValueKind.Array => IpldNode.List(value.AsArray().Select(ToIpld)),
        ValueKind.Map => value.AsMap() is [{ Key: "/", Value.Kind: ValueKind.String } link] && Cid.TryParse(link.Value.AsString(), out var cid)
            ? new IpldLink(cid)
            : IpldNode.Map(value.AsMap().Select(e => new KeyValuePair<string, IpldNode>(e.Key, ToIpld(e.Value)))),
        _ => throw new InvalidInputException(ErrorCodes.InvalidValue, $"A {value.Kind} cannot go into a UCAN; use a string or a number."),
    };
}
