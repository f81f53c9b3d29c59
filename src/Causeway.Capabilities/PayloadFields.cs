using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Security;
using Causeway.Values;

namespace Causeway.Authority;

/// <summary>Reads a token's payload fields strictly: each of the right IPLD kind, no field the kind
/// of token does not define.</summary>
internal readonly struct PayloadFields(Envelope envelope, IReadOnlySet<string> allowed)
{
    public void RejectUnknown()
    {
        foreach (var (key, _) in envelope.Payload.Entries)
            if (!allowed.Contains(key)) throw Fail($"has a field '{Documents.Names.Clip(key)}' that a ucan/{envelope.Kind} does not define");
    }

    public string Did(string name) => Get(name) is IpldString { Value: var did } && DidKey.IsValid(did) ? did : throw Fail($"field '{name}' is not an Ed25519 did:key");

    public string? OptionalDid(string name) => Get(name) is null ? null : Did(name);

    /// <summary>A DID or explicit null (a delegation's <c>sub</c>; null is a powerline).</summary>
    public string? NullableDid(string name) => Get(name) switch
    {
        null => throw Fail($"field '{name}' is missing (null is allowed, absence is not)"),
        IpldNull => null,
        _ => Did(name),
    };

    public string Command(string name)
    {
        if (Get(name) is not IpldString { Value: var command } || !Authority.Command.IsValid(command)) throw Fail($"field '{name}' is not a command such as /doc/write");
        return command;
    }

    public byte[] Bytes(string name) => Get(name) is IpldBytes b ? b.Value.ToArray() : throw Fail($"field '{name}' is not bytes");

    /// <summary>Seconds since the epoch, or null; <paramref name="required"/> fields may be null but not absent.</summary>
    public long? Time(string name, bool required) => Get(name) switch
    {
        null when required => throw Fail($"field '{name}' is missing (null is allowed, absence is not)"),
        null or IpldNull => null,
        IpldInteger i when i.TryGetInt64(out long t) && t >= 0 && t <= 9007199254740991 => t,
        _ => throw Fail($"field '{name}' is not a time in whole seconds (0 to 2^53-1)"),
    };

    public Value? Map(string name, bool required)
    {
        switch (Get(name))
        {
            case null when required: throw Fail($"field '{name}' is missing");
            case null: return null;
            case IpldMap map: return Convert(map, name);
            default: throw Fail($"field '{name}' is not a map");
        }
    }

    public Value List(string name) => Get(name) is IpldList list ? Convert(list, name) : throw Fail($"field '{name}' is not a list");

    public IReadOnlyList<Cid> Links(string name) => Get(name) is IpldList list && list.Items.All(i => i is IpldLink)
        ? [.. list.Items.Cast<IpldLink>().Select(l => l.Value)]
        : throw Fail($"field '{name}' is not a list of CIDs");

    public Cid? OptionalLink(string name) => Get(name) switch
    {
        null => null,
        IpldLink link => link.Value,
        _ => throw Fail($"field '{name}' is not a CID"),
    };

    private IpldNode? Get(string name) => envelope.Payload.Get(name);

    private Value Convert(IpldNode node, string name)
    {
        try { return IpldValues.ToValue(node); }
        catch (InvalidInputException e) { throw Fail($"field '{name}' holds data a policy cannot read ({e.Message.TrimEnd('.')})"); }
    }

    private UcanException Fail(string problem) => Envelope.Malformed($"Token {envelope.Cid} {problem}.", envelope.Cid);
}
