using System.Text;
using Causeway.Values;

namespace Causeway.Schemas;

/// <summary>A dotted field path; an absent field, or one holding null, is unknown.</summary>
internal sealed class CheckField(string path, int position) : CheckNode(position, 0)
{
    public override Value? Evaluate(Func<string, Value?> field) => field(path) is { IsNull: false } value ? value : null;

    public override void Render(StringBuilder into, bool top) => into.Append(path);

    public override void CollectFields(ISet<string> into) => into.Add(path);
}
