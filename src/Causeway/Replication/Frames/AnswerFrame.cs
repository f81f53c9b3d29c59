using Causeway.Encoding;

namespace Causeway.Replication;

/// <summary>The answer to an <see cref="AskFrame"/>: how much was granted (0 when nothing) and the
/// commit that grants it, or why not (a stable error code).</summary>
public sealed record AnswerFrame(long Id, long Granted, Cid? Commit, string? Code, string Detail) : SyncFrame
{
    internal const string Tag = "answer";

    internal override void Write(DagCborWriter w)
    {
        Begin(w, Tag, 6);
        w.WriteInt64(Id);
        w.WriteInt64(Granted);
        if (Commit is { } cid) w.WriteLink(cid); else w.WriteNull();
        if (Code is null) w.WriteNull(); else w.WriteText(Code);
        w.WriteText(Detail);
    }

    internal static AnswerFrame? Read(DagCborReader r, int length) => length != 6 ? null
        : new(r.ReadInt64(), r.ReadInt64(), FrameItems.ReadNull(r) ? null : r.ReadLink(), FrameItems.ReadNull(r) ? null : r.ReadText(), r.ReadText());
}
