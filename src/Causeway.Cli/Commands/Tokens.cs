using System.Globalization;
using System.Text.RegularExpressions;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Cli.Commands;

/// <summary>What the token commands share: reading keys and chains as bad input when they are bad,
/// times and durations, and a check made locally counting as bad input (exit 2), not as a refusal.</summary>
internal static class Tokens
{
    /// <summary>A key and, when given, its chain file; anything wrong with either is bad input.</summary>
    public static Credential LoadCredential(string keyFile, string? chainFile) => Local(() => Credential.Load(keyFile, chainFile));

    /// <summary>Runs a check made here, before anything is sent or written: a UCAN refusal is the caller's to fix (exit 2).</summary>
    public static T Local<T>(Func<T> check, string? context = null)
    {
        try { return check(); }
        catch (UcanException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, context is null ? e.Message : $"{context}: {e.Message}", e);
        }
    }

    public static string Did(string text, string option)
        => Security.DidKey.IsValid(text) ? text : throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(text)}' is not an Ed25519 did:key for {option}.");

    private static readonly Regex Duration = new(@"^(\d{1,9})(s|m|h|d|w)$", RegexOptions.CultureInvariant);

    /// <summary>A duration from <paramref name="now"/> (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>1d</c>, <c>2w</c>) or an ISO 8601 time
    /// (<c>2027-01-01</c>, <c>2027-01-01T00:00:00Z</c>; UTC unless it says otherwise).</summary>
    public static DateTimeOffset Time(string text, DateTimeOffset now, string option)
    {
        text = text.Trim();
        if (Duration.Match(text) is { Success: true } m)
        {
            long n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = m.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
            if (span == TimeSpan.Zero || span > TimeSpan.FromDays(3650))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{text}' for {option} is not between one second and ten years.");
            return Whole(now + span);
        }
        if (text.Length >= 10 && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && time.Year is > 1970 and < 10000)
            return Whole(time);
        throw new InvalidInputException(ErrorCodes.InvalidValue,
            $"'{Documents.Names.Clip(text)}' for {option} is neither a duration (90s, 30m, 1h, 1d, 2w) nor an ISO 8601 time (2027-01-01T00:00:00Z).");
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    public static string Date(long? seconds, string none) => seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : none;

    /// <summary>The items of a token input: a chain file (one a line, '#' comments), a <c>Ucans</c> header
    /// value (comma-separated), or one token; each a token as text or a CID.</summary>
    public static IReadOnlyList<string> Items(string text)
    {
        var items = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) line = line[7..];
            items.AddRange(line.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        return items;
    }
}

/// <summary>A policy as a sentence: <c>db is acme or under acme.</c>, <c>coll is orders</c>,
/// <c>id starts with d1-</c>. What has no plainer form is shown as its JSON.</summary>
internal static class PolicyText
{
    public static string Render(Value policy)
    {
        if (policy.Kind != ValueKind.Array) return ValueJson.ToJsonString(policy);
        var statements = policy.AsArray();
        return statements.Count == 0 ? "anything" : string.Join(", ", statements.Select(Statement));
    }

    private static string Statement(Value statement)
    {
        if (statement.Kind != ValueKind.Array || statement.AsArray() is not [{ Kind: ValueKind.String } first, ..] items) return ValueJson.ToJsonString(statement);
        string op = first.AsString();
        switch (op, items.Count)
        {
            case ("==", 3) when Selector(items[1]) is { } s: return $"{s} is {Literal(items[2])}";
            case ("!=", 3) when Selector(items[1]) is { } s: return $"{s} is not {Literal(items[2])}";
            case ("<" or "<=" or ">" or ">=", 3) when Selector(items[1]) is { } s: return $"{s} {op} {Literal(items[2])}";
            case ("like", 3) when Selector(items[1]) is { } s && items[2].Kind == ValueKind.String:
                string pattern = items[2].AsString();
                if (Prefix(pattern) is not { } prefix) return $"{s} is like {ValueJson.ToJsonString(items[2])}";
                if (prefix.Length == 0) return $"{s} is anything";
                return s == "db" && prefix.EndsWith('.') ? $"{s} is under {prefix}" : $"{s} starts with {prefix}";
            case ("not", 2): return $"not ({Statement(items[1])})";
            case ("and" or "or", 2) when items[1].Kind == ValueKind.Array:
                var parts = items[1].AsArray().Select(Statement).ToList();
                if (parts.Count == 0) return op == "and" ? "anything" : "nothing";
                return Join(parts, $" {op} ", parenthesize: op == "or" ? false : parts.Count > 1);
            case ("all" or "any", 3) when Selector(items[1]) is { } s:
                return $"{(op == "all" ? "every" : "some")} item of {s} has ({Statement(items[2])})";
        }
        return ValueJson.ToJsonString(statement);
    }

    /// <summary>Joins parts that say the same thing of the same field once: <c>db is acme or under acme.</c>.</summary>
    private static string Join(List<string> parts, string separator, bool parenthesize)
    {
        string? shared = null;
        int space = parts[0].IndexOf(' ');
        if (space > 0)
        {
            string field = parts[0][..(space + 1)];
            if (parts.All(p => p.StartsWith(field + "is ", StringComparison.Ordinal))) shared = field + "is ";
            else if (parts.All(p => p.StartsWith(field, StringComparison.Ordinal))) shared = field;
        }
        string text = shared is null ? string.Join(separator, parts) : parts[0] + string.Concat(parts.Skip(1).Select(p => separator + p[shared.Length..]));
        return parenthesize ? $"({text})" : text;
    }

    private static string? Selector(Value selector)
    {
        if (selector.Kind != ValueKind.String) return null;
        string text = selector.AsString();
        if (text == ".") return "the arguments";
        return text.Length > 1 && text[0] == '.' && text[1..].Split('.').All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) ? text[1..] : text;
    }

    /// <summary>The literal prefix of a glob that ends with its only wildcard (<c>acme.*</c> → <c>acme.</c>), or null.</summary>
    private static string? Prefix(string pattern)
    {
        var prefix = new System.Text.StringBuilder();
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length) prefix.Append(pattern[++i]);
            else if (c == '*') return i == pattern.Length - 1 ? prefix.ToString() : null;
            else prefix.Append(c);
        }
        return null;
    }

    private static string Literal(Value value)
        => value.Kind == ValueKind.String && value.AsString() is { Length: > 0 } s && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':' or '@' or '/')
            ? s
            : ValueJson.ToJsonString(value, typed: false);
}

/// <summary>What a chain (or a token) says, link by link, and whether each is valid now: its signature
/// (when it reads), its time bounds, and how it lines up with the link before (delegated to its issuer,
/// about the same subject, the root issued by its subject); an invocation at the end is checked against
/// the chain before it.</summary>
internal static class TokenInspection
{
    public sealed record Link(TokenReport Report, Delegation? Delegation, Invocation? Invocation);

    public static IReadOnlyList<Link> Inspect(IReadOnlyList<string> items, long now)
    {
        var links = new List<Link>();
        long skew = (long)ProofChain.ClockSkew.TotalSeconds;
        string? subject = null;
        var delegations = new List<Delegation>();
        for (int i = 0; i < items.Count; i++)
        {
            string item = items[i];
            if (item.StartsWith("bafy", StringComparison.Ordinal) && Cid.TryParse(item, out var named))
            {
                links.Add(new(new TokenReport(named, "cid", null, null, null, null, null, null, null, null, false,
                    "only the CID is here; the server may hold the token"), null, null));
                continue;
            }
            byte[] bytes = Tokens.Local(() => TokenText.Decode(item));
            // Text that is not even CBOR is not a token at all (bad input), unlike a token that does not verify.
            if (bytes.Length == 0 || bytes[0] != 0x82)
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(item)}' is not a token: a UCAN is a two-item DAG-CBOR array ([signature, payload]) as base64url.");
            var cid = Cid.ForDagCbor(bytes);
            Envelope envelope;
            try { envelope = Envelope.Read(bytes); }
            catch (CausewayException e) when (e is UcanException or InvalidInputException)
            {
                links.Add(new(new TokenReport(cid, "unreadable", null, null, null, null, null, null, null, null, false, e.Message), null, null));
                continue;
            }
            Link link;
            try
            {
                link = envelope.Kind == "dlg" ? Describe(Delegation.Read(bytes), i, links, subject, now, skew) : Describe(Invocation.Read(bytes), delegations, now, skew);
            }
            catch (CausewayException e) when (e is UcanException or InvalidInputException)
            {
                links.Add(new(new TokenReport(cid, "unreadable", null, null, null, null, null, null, null, null, false, e.Message), null, null));
                continue;
            }
            if (link.Delegation is { } d)
            {
                if (i == 0) subject = d.Subject;
                delegations.Add(d);
            }
            links.Add(link);
        }
        return links;
    }

    /// <summary>Whether the whole chain holds now, and why not: every link valid, and the chain as the server would establish it.</summary>
    public static (bool Valid, string Summary) Summarize(IReadOnlyList<Link> links, long now)
    {
        if (links.Count == 0) return (false, "no token");
        for (int i = 0; i < links.Count; i++)
            if (!links[i].Report.Valid) return (false, $"not valid now: link {i + 1}: {links[i].Report.Problem}");
        var delegations = links.Where(l => l.Delegation is not null).Select(l => l.Delegation!).ToList();
        if (links[^1].Invocation is { } invocation)
            return (true, $"valid now: {invocation.Issuer} may run {invocation.Command} on {invocation.Subject}");
        var last = delegations[^1];
        try
        {
            var chain = ProofChain.Establish(last.Audience, delegations[0].Subject!, delegations, now);
            return (true, $"valid now: {last.Audience} holds it over {chain.Subject}, until {Tokens.Date(chain.Expiration, "it is revoked (no link expires)")}");
        }
        catch (UcanException e)
        {
            return (false, $"not valid now: {e.Message}");
        }
    }

    private static Link Describe(Delegation d, int index, List<Link> before, string? subject, long now, long skew)
    {
        string? problem = Time(d.NotBefore, d.Expiration, now, skew);
        if (problem is null)
        {
            if (index == 0)
            {
                if (d.Subject is null) problem = "a powerline (no subject) cannot be the root: the root is issued by the subject";
                else if (d.Issuer != d.Subject) problem = $"the chain does not start at its subject: issued by {d.Issuer}, not by {d.Subject} (give the links before it)";
            }
            else if (before[index - 1].Delegation is not { } previous) problem = "the link before it cannot be checked";
            else if (previous.Audience != d.Issuer) problem = $"issued by {d.Issuer}, but link {index} delegates to {previous.Audience}";
            else if (d.Subject is not null && subject is not null && d.Subject != subject) problem = $"about {d.Subject}, not the chain's subject {subject}";
        }
        return new(new TokenReport(d.Cid, "dlg", d.Issuer, d.Audience, d.Subject, d.Command, d.PolicyForm, null, d.NotBefore, d.Expiration, problem is null, problem), d, null);
    }

    private static Link Describe(Invocation inv, List<Delegation> proofs, long now, long skew)
    {
        string? problem = Time(null, inv.Expiration, now, skew);
        if (problem is null)
        {
            var byCid = proofs.ToDictionary(p => p.Cid);
            try { inv.Validate(c => byCid.GetValueOrDefault(c), now); }
            catch (UcanException e) { problem = e.Message; }
        }
        return new(new TokenReport(inv.Cid, "inv", inv.Issuer, inv.Audience, inv.Subject, inv.Command, null, inv.Arguments, null, inv.Expiration, problem is null, problem), null, inv);
    }

    private static string? Time(long? nbf, long? exp, long now, long skew)
    {
        if (exp is { } e && now > e + skew) return $"expired at {Tokens.Date(e, "")}";
        if (nbf is { } n && now + skew < n) return $"not valid before {Tokens.Date(n, "")}";
        return null;
    }
}

/// <summary>The readable form of an inspected chain: one block per link, then the verdict.</summary>
internal static class InspectionText
{
    public static IReadOnlyList<string> Lines(IReadOnlyList<TokenInspection.Link> links, string summary)
    {
        var lines = new List<string>();
        for (int i = 0; i < links.Count; i++)
        {
            var r = links[i].Report;
            string kind = r.Kind switch { "dlg" => "delegation", "inv" => "invocation", "cid" => "a CID only", _ => "unreadable" };
            lines.Add($"{i + 1}. {r.Cid}  {kind}");
            if (r.Kind is "dlg" or "inv")
            {
                lines.Add($"   who    {r.Issuer} → {r.Audience ?? "(no audience)"}");
                lines.Add($"   what   {r.Command}{(r.Arguments is { } args ? " with " + ValueJson.ToJsonString(args, typed: false) : "")}");
                lines.Add($"   on     {r.Subject ?? "any subject (powerline)"}{(r.Policy is { } policy ? ": " + PolicyText.Render(policy) : "")}");
                lines.Add($"   from   {Tokens.Date(r.NotBefore, "any time")}   until  {Tokens.Date(r.Expiration, "never")}");
            }
            lines.Add(r.Valid ? "   valid  yes" : $"   valid  no: {r.Problem}");
        }
        lines.Add($"chain  {summary}");
        return lines;
    }
}
