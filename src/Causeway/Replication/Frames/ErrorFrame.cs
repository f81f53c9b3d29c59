using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>The session ends: why, with a stable code.</summary>
public sealed record ErrorFrame(string Code, string Message) : SyncFrame
{
    internal const string Tag = "error";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 3);
        w.WriteText(Code);
        w.WriteText(Message);
    }

    internal static ErrorFrame? Read(DagCborReader r, int length) => length != 3 ? null : new(r.ReadText(), r.ReadText());
}
