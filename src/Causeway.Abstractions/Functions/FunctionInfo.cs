using Causeway.Encoding;

namespace Causeway.Functions;

/// <summary>A stored function as a database holds it: its definition, who defined it (a DID, or the
/// name of the static token that did) and the commit and position of the version read.</summary>
public sealed record FunctionInfo(FunctionDefinition Definition, string Definer, Cid Commit, long Position)
{
    public string Name => Definition.Name;
}
