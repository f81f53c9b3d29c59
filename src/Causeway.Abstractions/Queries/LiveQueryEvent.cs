using Causeway.Encoding;

namespace Causeway.Queries;

/// <summary>What a <see cref="LiveQueryEvent"/> is: the result at a position, or what one commit changed in it.</summary>
public enum LiveQueryEventKind
{
    /// <summary>The whole result at <see cref="LiveQueryEvent.Position"/>, in <see cref="LiveQueryEvent.Entered"/>.</summary>
    Snapshot,

    /// <summary>What the commit at <see cref="LiveQueryEvent.Position"/> changed in the result.</summary>
    Delta,
}

/// <summary>One event of a live query (docs/queries.md, Live queries): first, unless the subscription
/// resumes from a position, a <see cref="LiveQueryEventKind.Snapshot"/> of the result; then one
/// <see cref="LiveQueryEventKind.Delta"/> per commit that changes the result, in commit order.
/// Applying each delta to the result before it (remove <see cref="Left"/>, put <see cref="Entered"/>
/// and <see cref="Changed"/>) gives the query's result at the delta's position.</summary>
/// <param name="Kind">Snapshot or delta.</param>
/// <param name="Position">The position the result is at after this event; resume after it with <c>since</c>.</param>
/// <param name="Commit">The commit of a delta; null for a snapshot.</param>
/// <param name="Origin">The replica that made the commit of a delta; null for a snapshot.</param>
/// <param name="Local">True when the delta's commit was made on this replica (the server's, through
/// a server), false when it came by sync or import; false for a snapshot.</param>
/// <param name="Entered">Documents now in the result that were not (a snapshot: the whole result), in the query's order.</param>
/// <param name="Changed">Documents in the result before and after whose content changed, in the query's order.</param>
/// <param name="Left">Ids of documents that were in the result and are not any more.</param>
public sealed record LiveQueryEvent(LiveQueryEventKind Kind, long Position, Cid? Commit, string? Origin, bool Local,
    IReadOnlyList<Document> Entered, IReadOnlyList<Document> Changed, IReadOnlyList<string> Left);
