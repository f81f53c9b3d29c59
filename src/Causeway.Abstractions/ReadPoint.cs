using System.Globalization;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway;

/// <summary>Where a read looks: the latest state, or the past at a position, a commit or a wall-clock time
/// (the <c>?at=</c> of docs/api.md).</summary>
public abstract record ReadPoint
{
    private ReadPoint() { }

    public static readonly ReadPoint Latest = new LatestPoint();
    public static ReadPoint AtPosition(long position) => position >= 0 ? new PositionPoint(position)
        : throw new InvalidInputException(ErrorCodes.InvalidAt, "A position is a number ≥ 0.");
    public static ReadPoint AtCommit(Cid commit) => new CommitPoint(commit);
    public static ReadPoint AtTime(DateTimeOffset time) => new TimePoint(time);

    /// <summary>Parses "42" (a position), "bafy…" (a commit CID) or an RFC 3339 time.</summary>
    public static ReadPoint Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidInputException(ErrorCodes.InvalidAt, "'at' is empty: give a position, a commit CID or an RFC 3339 time.");
        if (text.All(char.IsAsciiDigit))
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long p) ? AtPosition(p)
                : throw new InvalidInputException(ErrorCodes.InvalidAt, $"Position '{Documents.Names.Clip(text)}' is too large.");
        if (text.StartsWith('b') && Cid.TryParse(text, out var cid)) return AtCommit(cid);
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return AtTime(time);
        throw new InvalidInputException(ErrorCodes.InvalidAt, $"'{Documents.Names.Clip(text)}' is not a position, a commit CID or an RFC 3339 time.");
    }

    /// <summary>The text of <c>?at=</c> that <see cref="Parse"/> reads back as this point: the position,
    /// the commit CID, or the time in RFC 3339 UTC with all seven fractional digits (so nothing is
    /// rounded away). Null for <see cref="Latest"/>, which is sent as no <c>at</c> at all.</summary>
    public string? ToQueryString() => this switch
    {
        PositionPoint p => p.Position.ToString(CultureInfo.InvariantCulture),
        CommitPoint c => c.Commit.ToString(),
        TimePoint t => t.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        _ => null,
    };

    public sealed record LatestPoint : ReadPoint;
    public sealed record PositionPoint(long Position) : ReadPoint;
    public sealed record CommitPoint(Cid Commit) : ReadPoint;
    public sealed record TimePoint(DateTimeOffset Time) : ReadPoint;
}
