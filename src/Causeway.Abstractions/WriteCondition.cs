using System.Text;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway;

/// <summary>What a write requires of the document it writes (optimistic concurrency; HTTP's
/// <c>If-Match</c> and <c>If-None-Match</c>). A document's version is its <see cref="Document.Commit"/>,
/// the <c>_meta.commit</c> of a read and its HTTP <c>ETag</c>: the commit of its causally latest change,
/// the same on every replica that holds the same commits. The commit pipeline checks the condition
/// against the latest state, atomically with the write; when the document is otherwise, the write
/// fails with <see cref="PreconditionFailedException"/> and nothing is written.</summary>
public abstract record WriteCondition
{
    public const string IfMatchHeader = "If-Match";
    public const string IfNoneMatchHeader = "If-None-Match";

    private WriteCondition() { }

    /// <summary>The document exists, at whatever version (<c>If-Match: *</c>).</summary>
    public static WriteCondition IfExists { get; } = new ExistsCondition();

    /// <summary>The document does not exist (it was never written, or it is deleted): create only
    /// (<c>If-None-Match: *</c>).</summary>
    public static WriteCondition IfAbsent { get; } = new AbsentCondition();

    /// <summary>The document exists at <paramref name="version"/>, the <see cref="Document.Commit"/> of a
    /// read: nobody changed it since (<c>If-Match: "bafy…"</c>).</summary>
    public static WriteCondition IfVersion(Cid version) => IfVersion([version]);

    /// <summary>The document exists at one of <paramref name="versions"/> (<c>If-Match: "bafy…", "bafy…"</c>).</summary>
    public static WriteCondition IfVersion(params IEnumerable<Cid> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var list = versions.Distinct().ToArray();
        if (list.Length == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, "A version condition needs at least one version.");
        if (list.Any(v => v.IsDefault)) throw new InvalidInputException(ErrorCodes.InvalidValue, "A version condition names a version (a commit CID); default(Cid) is none.");
        return new VersionCondition(list);
    }

    /// <summary>Whether a document whose version is <paramref name="version"/> (null: it does not exist) meets the condition.</summary>
    public bool IsMetBy(Cid? version) => this switch
    {
        ExistsCondition => version is not null,
        AbsentCondition => version is null,
        VersionCondition v => version is { } current && v.Versions.Contains(current),
        _ => false,
    };

    /// <summary>Throws <see cref="PreconditionFailedException"/> unless a document named
    /// <paramref name="document"/> ("orders/o-1") at <paramref name="version"/> meets the condition.
    /// The message says what the document is now.</summary>
    internal void Require(string document, Cid? version)
    {
        if (IsMetBy(version)) return;
        string expected = this is VersionCondition { Versions: [var only] } ? $"version {only}" : this is VersionCondition many ? $"one of {many.Versions.Count} versions" : "";
        throw new PreconditionFailedException((this, version) switch
        {
            (AbsentCondition, { } now) => $"Document {document} exists, at version {now}; the write was to create it only.",
            (ExistsCondition, _) => $"Document {document} does not exist; the write required it to.",
            (_, null) => $"Document {document} does not exist; the write required {expected}.",
            (_, { } now) => $"Document {document} is at version {now}, not {expected}: it changed since.",
        });
    }

    /// <summary>The strong entity tag of a version, as the HTTP API answers it in <c>ETag</c>: the CID in double quotes.</summary>
    public static string EntityTag(Cid version) => $"\"{version}\"";

    /// <summary>The request header that asks for this condition.</summary>
    public (string Name, string Value) ToHeader() => this switch
    {
        ExistsCondition => (IfMatchHeader, "*"),
        AbsentCondition => (IfNoneMatchHeader, "*"),
        VersionCondition v => (IfMatchHeader, string.Join(", ", v.Versions.Select(EntityTag))),
        _ => throw new InvalidOperationException("Unknown write condition."),
    };

    /// <summary>The condition the headers of a write ask for; null when neither is present. The values
    /// are as received (several lines of one header joined with commas). <c>If-None-Match</c> takes
    /// only <c>*</c>, and only where a write may create the document (<paramref name="mayCreate"/>: PUT).</summary>
    /// <exception cref="InvalidInputException">A malformed or weak value (code invalid_value), one line naming the header.</exception>
    public static WriteCondition? FromHeaders(string? ifMatch, string? ifNoneMatch, bool mayCreate)
    {
        if (ifMatch is not null && ifNoneMatch is not null)
            throw Invalid($"{IfMatchHeader} and {IfNoneMatchHeader} cannot both hold for one write; send one of them.");
        if (ifNoneMatch is not null)
        {
            if (!mayCreate) throw Invalid(CreateOnlyOnPut);
            if (ifNoneMatch.Trim() != "*")
                throw Invalid($"{IfNoneMatchHeader} on a write takes only * (create only), not '{Shown(ifNoneMatch)}'; to require a version, use {IfMatchHeader}.");
            return IfAbsent;
        }
        return ifMatch is null ? null : ParseIfMatch(ifMatch);
    }

    private const string CreateOnlyOnPut = $"A create-only condition ({IfNoneMatchHeader}: *, IfAbsent) applies to a put; a patch or delete needs the document to exist, so use {IfMatchHeader} (IfExists, IfVersion).";

    /// <summary>The condition of a write that cannot create the document (a patch, a delete): a
    /// create-only one is refused (invalid_value) the same way embedded, remote and over HTTP.</summary>
    internal static WriteCondition? OfExisting(WriteCondition? condition) => condition is AbsentCondition ? throw Invalid(CreateOnlyOnPut) : condition;

    /// <summary>Reads an <c>If-Match</c> value: <c>*</c>, or a comma-separated list of strong entity
    /// tags, each a version in double quotes (<c>"bafy…"</c>).</summary>
    /// <exception cref="InvalidInputException">Anything else (code invalid_value).</exception>
    public static WriteCondition ParseIfMatch(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string H = IfMatchHeader;
        var versions = new List<Cid>();
        int stars = 0;
        int i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or ',') i++;   // empty list elements are allowed (RFC 9110, 5.6.1)
            if (i == text.Length) break;
            if (text[i] == '*')
            {
                stars++;
                i++;
            }
            else if (text[i] == '"')
            {
                int end = text.IndexOf('"', i + 1);
                if (end < 0) throw Invalid($"{H}: the entity tag in '{Shown(text)}' has no closing '\"'.");
                string tag = text[(i + 1)..end];
                if (!Cid.TryParse(tag, out var version))
                    throw Invalid($"{H}: \"{Shown(tag)}\" is not a version of a document: give the ETag of a read (\"bafy…\", its _meta.commit) or *.");
                versions.Add(version);
                i = end + 1;
            }
            else if (text.AsSpan(i).StartsWith("W/", StringComparison.Ordinal))
            {
                throw Invalid($"{H}: a weak entity tag ('{Shown(text)}') cannot make a write conditional; send the strong ETag of a read (\"bafy…\") or *.");
            }
            else
            {
                throw Invalid($"{H}: '{Shown(text)}' is not an entity tag: quote the version as a read's ETag does (\"bafy…\"), or send *.");
            }
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i < text.Length && text[i] != ',') throw Invalid($"{H}: '{Shown(text)}' is not a comma-separated list of entity tags.");
        }
        if (stars > 0 && stars + versions.Count > 1) throw Invalid($"{H}: * stands alone; it cannot be listed with entity tags or itself.");
        if (stars == 1) return IfExists;
        if (versions.Count == 0) throw Invalid($"{H} is empty: give * or the ETag of a read (\"bafy…\").");
        return IfVersion(versions);
    }

    /// <summary>The header, as it would be sent (<c>If-Match: "bafy…"</c>).</summary>
    public sealed override string ToString()
    {
        var (name, value) = ToHeader();
        return $"{name}: {value}";
    }

    private static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidValue, message);

    /// <summary>What a request said, quoted in a message: at most 48 characters, printable ASCII only.</summary>
    private static string Shown(string text)
    {
        const int Max = 48;
        var shown = new StringBuilder(Math.Min(text.Length, Max) + 1);
        foreach (char c in text.Length <= Max ? text : text[..Max]) shown.Append(c is >= ' ' and <= '~' ? c : '?');
        if (text.Length > Max) shown.Append('…');
        return shown.ToString();
    }

    /// <summary>The document exists (<see cref="IfExists"/>).</summary>
    public sealed record ExistsCondition : WriteCondition;

    /// <summary>The document does not exist (<see cref="IfAbsent"/>).</summary>
    public sealed record AbsentCondition : WriteCondition;

    /// <summary>The document exists at one of <see cref="Versions"/> (<see cref="IfVersion(IEnumerable{Cid})"/>).</summary>
    public sealed record VersionCondition : WriteCondition
    {
        internal VersionCondition(IReadOnlyList<Cid> versions) => Versions = versions;

        public IReadOnlyList<Cid> Versions { get; }

        public bool Equals(VersionCondition? other) => other is not null && Versions.SequenceEqual(other.Versions);

        public override int GetHashCode() => Versions.Aggregate(0, (hash, v) => HashCode.Combine(hash, v));
    }
}
