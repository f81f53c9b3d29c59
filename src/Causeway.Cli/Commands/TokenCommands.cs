using System.CommandLine;
using Causeway.Client;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Values;
using Causeway.Wire;
using ChainFile = Causeway.Authority.ChainFile;
using Credential = Causeway.Authority.Credential;
using Delegation = Causeway.Authority.Delegation;
using ProofChain = Causeway.Authority.ProofChain;
using Resource = Causeway.Authority.Resource;
using Scope = Causeway.Authority.Scope;
using TokenText = Causeway.Authority.TokenText;
using UcanCommand = Causeway.Authority.Command;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway token delegate|inspect|issue|revoke</c>: UCAN delegations signed here from a key
/// file, read back link by link, or issued and revoked by a server. Chains travel as chain files
/// (<see cref="ChainFile"/>: one token a line, root first).</summary>
internal static class TokenCommands
{
    public static Command Token()
    {
        var command = new Command("token", "Capability tokens (UCAN): delegate from a key, inspect a chain, have a server issue or revoke one.");
        command.Subcommands.Add(Delegate());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Issue());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Delegate()
    {
        var key = new Option<string>("--key") { Description = "The issuer's key file (causeway key new).", Required = true };
        var subject = new Option<string?>("--subject") { Description = "The did:key the delegation is about: the owner. Default: the chain root's subject with --proof, else the key's own DID." };
        var proof = new Option<string?>("--proof") { Description = "The chain file that proves the key's authority, root first; the new link goes after it." };
        var scope = new ScopeOptions(allowNever: true);
        var command = new Command("delegate", "Sign a delegation here (no server): write the chain with the new link, root first, to --out or stdout; its CID goes to stderr.") { key, subject, proof };
        scope.AddTo(command);
        command.SetAction(result =>
        {
            var now = DateTimeOffset.UtcNow;
            var request = scope.Read(result, now, defaultAudience: null);
            string? output = scope.Output(result);
            using var issuer = Credential.LoadKey(result.GetValue(key)!);
            var proofs = result.GetValue(proof) is { } chainFile ? ChainFile.Load(chainFile) : [];
            string owner = result.GetValue(subject) is { } given ? Tokens.Did(given, "--subject")
                : proofs.Count == 0 ? issuer.Did
                : proofs[0].Subject ?? throw new InvalidInputException(ErrorCodes.InvalidValue, "The chain's root has no subject (a powerline); give --subject.");
            var link = Delegation.Create(issuer, request.Audience, owner, request.Command, request.Policy, request.Expires, request.NotBefore);

            // Valid as it stands: the chain reaches the audience (at the start, when it starts later), and proves the command.
            long at = Math.Max(now.ToUnixTimeSeconds(), request.NotBefore?.ToUnixTimeSeconds() ?? 0);
            const string refused = "The new delegation would not be valid";
            Tokens.Local(() => ProofChain.Establish(request.Audience, owner, [.. proofs, link], at), refused);
            foreach (var p in proofs)
                if (!UcanCommand.Proves(p.Command, request.Command))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, $"{refused}: proof {p.Cid} delegates {p.Command}, which does not cover {request.Command}.");
            if (request.Sample is { } sample && proofs.Count > 0)
            {
                var proven = Tokens.Local(() => ProofChain.Establish(issuer.Did, owner, proofs, at), refused);
                Tokens.Local(() => { proven.Authorize(request.Command, sample); return 0; }, $"{refused}: the chain does not allow {request.Command} on {ValueJson.ToJsonString(sample)}");
            }
            Write(output, ChainFile.Format([.. proofs, link]));
            Console.Error.WriteLine(link.Cid);
            return 0;
        });
        return command;
    }

    private static Command Inspect()
    {
        var input = new Argument<string?>("input")
        {
            Description = "A chain file, '-' for standard input, or a token (or a Ucans header's value); standard input when not given.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON even on a terminal: one object per token (JSON is the default when the output is piped)." };
        var command = new Command("inspect", "Show a chain or a token link by link: who, what, on which resource, from and until when, and whether it is valid now (exit 1 when it is not).") { input, json };
        command.SetAction(result =>
        {
            var (text, source) = ReadInput(result.GetValue(input));
            var items = Tokens.Items(text);
            if (items.Count == 0) throw new InvalidInputException(ErrorCodes.InvalidValue, $"{source} holds no token.");
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var links = TokenInspection.Inspect(items, now);
            var (valid, summary) = TokenInspection.Summarize(links, now);
            var output = new Output(result.GetValue(json));
            if (output.Json) foreach (var link in links) output.WriteJson(w => TokenReportJson.Write(w, link.Report));
            else foreach (var line in InspectionText.Lines(links, summary)) output.Line(line);
            return valid ? 0 : 1;
        });
        return command;
    }

    private static Command Issue()
    {
        var options = new TargetOptions();
        var scope = new ScopeOptions(allowNever: false);
        var command = new Command("issue", "Have the server at --url issue a delegation (POST /v1/tokens): write its chain, root first, to --out or stdout; its CID goes to stderr. --json prints the server's answer instead.");
        scope.AddTo(command);
        options.AddTo(command, data: false);
        command.SetAction(async (result, ct) =>
        {
            string url = Url(result, options, "token issue");
            var now = DateTimeOffset.UtcNow;
            var (client, credential) = options.Connect(result, url);
            using (client)
            using (credential)
            {
                var request = scope.Read(result, now, credential?.Did);
                string? output = scope.Output(result);
                var issued = await client.IssueTokenAsync(new TokenRequest(request.Audience, request.Command, request.Expires!.Value)
                {
                    Database = request.Db, Collection = request.Coll, IdPrefix = request.IdPrefix, Id = request.Id, Policy = request.Extra, NotBefore = request.NotBefore,
                }, ct);
                var chain = new List<Delegation>();
                try
                {
                    chain.AddRange(issued.Chain.Select(l => TokenText.ReadDelegation(l.Token)));
                    if (chain.Count == 0 || chain[^1].Cid != issued.Cid) chain.Add(TokenText.ReadDelegation(issued.Token));
                }
                catch (CausewayException e) when (e is UcanException or InvalidInputException)
                {
                    throw new CausewayException(ErrorCodes.Internal, $"The server's token could not be read: {e.Message}", e);
                }
                if (result.GetValue(options.Json))
                {
                    new Output(json: true).WriteJson(w => DelegationTokenJson.Write(w, issued));
                    if (output is not null) Write(output, ChainFile.Format(chain));
                }
                else Write(output, ChainFile.Format(chain));
                Console.Error.WriteLine(issued.Cid);
            }
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var options = new TargetOptions();
        var cid = new Argument<string>("cid") { Description = "The CID of the delegation to revoke (bafy…)." };
        var command = new Command("revoke", "Revoke a delegation on the server at --url (POST /v1/tokens/{cid}/revoke): no chain through it is accepted afterwards.") { cid };
        options.AddTo(command, data: false);
        command.SetAction(async (result, ct) =>
        {
            string url = Url(result, options, "token revoke");
            var target = Cid.Parse(result.GetValue(cid)!.Trim());
            var (client, credential) = options.Connect(result, url);
            using (client)
            using (credential)
                await client.RevokeTokenAsync(target, ct);
            Console.Out.WriteLine($"revoked {target}");
            return 0;
        });
        return command;
    }

    private static string Url(ParseResult result, TargetOptions options, string what)
        => result.GetValue(options.Url) ?? Environment.GetEnvironmentVariable("CAUSEWAY_URL")
            ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{what} needs --url (or CAUSEWAY_URL): the server does it.");

    private static (string Text, string Source) ReadInput(string? input)
    {
        if (input is null or "-")
        {
            if (input is null && !Console.IsInputRedirected)
                throw new InvalidInputException(ErrorCodes.InvalidValue, "Give a chain file, a token, or '-' for standard input.");
            return (Console.In.ReadToEnd(), "Standard input");
        }
        if (File.Exists(input))
        {
            try { return (File.ReadAllText(input), $"'{input}'"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{input}' cannot be read: {e.Message}", e);
            }
        }
        if (Directory.Exists(input) || !input.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ',' or ' ' or '\n' or '\r' or '\t'))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Documents.Names.Clip(input)}' is neither a chain file nor a token.");
        return (input, "The argument");
    }

    /// <summary>Writes a chain file whole (through a temporary file), or to stdout.</summary>
    private static void Write(string? path, string text)
    {
        if (path is null)
        {
            Console.Out.Write(text);
            return;
        }
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>What a delegation is for: audience, command, scope (a database and its children, a
    /// collection, ids with a prefix, one document), more policy, and when.</summary>
    private sealed class ScopeOptions(bool allowNever)
    {
        private readonly Option<string?> _to = new("--to") { Description = "The did:key the delegation is for (its audience)." };
        private readonly Option<string> _command = new("--command") { Description = "The command delegated, with those under it: /doc/read, /doc, / (everything).", Required = true };
        private readonly Option<string?> _db = new("--db") { Description = "Only this database and the databases under it." };
        private readonly Option<string?> _coll = new("--coll") { Description = "With --db: only this collection." };
        private readonly Option<string?> _idPrefix = new("--id-prefix") { Description = "With --coll: only documents whose id starts with this." };
        private readonly Option<string?> _id = new("--id") { Description = "With --coll: only this document." };
        private readonly Option<string?> _policy = new("--policy") { Description = "More UCAN policy statements, as a JSON list: [[\"==\", \".fn\", \"checkout\"]]." };
        private readonly Option<string?> _expires = new("--expires")
        {
            Description = allowNever ? "When it expires: a duration (90s, 30m, 1h, 1d, 2w), an ISO 8601 time, or 'never'; 1d when not given."
                : "When it expires: a duration (90s, 30m, 1h, 1d, 2w) or an ISO 8601 time; 1d when not given.",
        };
        private readonly Option<string?> _notBefore = new("--not-before") { Description = "Not valid before: a duration from now or an ISO 8601 time." };
        private readonly Option<string?> _out = new("--out") { Description = "Write the chain file here (replaced whole) instead of to stdout." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _to, _command, _db, _coll, _idPrefix, _id, _policy, _expires, _notBefore, _out }) command.Options.Add(option);
        }

        public string? Output(ParseResult result)
        {
            string? path = result.GetValue(_out);
            if (path is null) return null;
            if (Directory.Exists(path)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' is a folder; --out names the chain file to write.");
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The folder of '{path}' does not exist.");
            return path;
        }

        public DelegationRequest Read(ParseResult result, DateTimeOffset now, string? defaultAudience)
        {
            string audience = result.GetValue(_to) is { } to ? Tokens.Did(to, "--to")
                : defaultAudience ?? throw new InvalidInputException(ErrorCodes.InvalidValue, "Say whom the delegation is for with --to DID.");
            string command = UcanCommand.Validate(result.GetValue(_command));
            string? db = result.GetValue(_db), coll = result.GetValue(_coll), prefix = result.GetValue(_idPrefix), id = result.GetValue(_id);
            if (coll is not null && db is null) throw Invalid("--coll needs --db.");
            if ((prefix ?? id) is not null && coll is null) throw Invalid($"{(prefix is not null ? "--id-prefix" : "--id")} needs --coll.");
            if (prefix is not null && id is not null) throw Invalid("Give either --id-prefix or --id, not both.");
            if (prefix is "") throw Invalid("--id-prefix is empty; leave it out for the whole collection.");
            Value scope = db is null ? Scope.Anything
                : coll is null ? Scope.Database(db)
                : prefix is not null ? Scope.IdPrefix(db, coll, prefix)
                : id is not null ? Scope.Document(db, coll, id)
                : Scope.Collection(db, coll);
            Value? extra = null;
            if (result.GetValue(_policy) is { } text)
            {
                extra = ValueJson.Parse(text);
                if (extra.Kind != ValueKind.Array) throw Invalid("--policy is a JSON list of statements: [[\"==\", \".db\", \"acme\"]].");
                Authority.Policies.Policy.Parse(extra);
                Authority.IpldValues.ToIpld(extra);
            }
            var policy = extra is null ? scope : Value.Array([.. scope.AsArray(), .. extra.AsArray()]);

            DateTimeOffset? notBefore = result.GetValue(_notBefore) is { } nbf ? Tokens.Time(nbf, now, "--not-before") : null;
            DateTimeOffset? expires;
            string expiresText = result.GetValue(_expires) ?? "1d";
            if (expiresText.Trim() == "never")
            {
                if (!allowNever) throw Invalid("A server issues tokens that expire; give --expires a duration or a time.");
                expires = null;
            }
            else
            {
                expires = Tokens.Time(expiresText, now, "--expires");
                if (expires <= now) throw Invalid($"--expires {expiresText} is in the past.");
                if (notBefore is { } start && expires <= start) throw Invalid("--expires is not after --not-before.");
            }
            return new DelegationRequest(audience, command, db, coll, prefix, id, extra, policy, expires, notBefore);
        }

        private static InvalidInputException Invalid(string message) => new(ErrorCodes.InvalidValue, message);
    }

    private sealed record DelegationRequest(string Audience, string Command, string? Db, string? Coll, string? IdPrefix, string? Id,
        Value? Extra, Value Policy, DateTimeOffset? Expires, DateTimeOffset? NotBefore)
    {
        /// <summary>A resource the delegation covers, to check the chain allows it: the scope's own.</summary>
        public Value? Sample => Db is null ? null : Resource.Of(Db, Coll, Id ?? IdPrefix);
    }
}
