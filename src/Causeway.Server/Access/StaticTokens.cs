using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Causeway.Server.Access;

/// <summary>The tokens a server creates at first start, each one line in its own file (mode 0600):
/// <c>admin.token</c> is the owner (every command), <c>read.token</c> the owner's
/// <see cref="Authority.Commands.Reading"/>. Both are random 256-bit secrets, <c>cw_…</c>, compared in
/// constant time.</summary>
public sealed class StaticTokens : IRequestAuthenticator
{
    public const string AdminFile = "admin.token";
    public const string ReadFile = "read.token";

    /// <summary>How every static token starts, which no UCAN (base64url of a CBOR array, <c>g…</c>) does.</summary>
    public const string Prefix = "cw_";

    private readonly byte[] _admin;
    private readonly byte[] _read;
    private readonly bool _dev;

    private StaticTokens(string admin, string read, bool dev)
    {
        _admin = System.Text.Encoding.UTF8.GetBytes(admin);
        _read = System.Text.Encoding.UTF8.GetBytes(read);
        _dev = dev;
        AdminToken = admin;
        ReadToken = read;
    }

    public string AdminToken { get; }
    public string ReadToken { get; }

    public static StaticTokens LoadOrCreate(string folder, bool dev)
        => new(LoadOrCreateFile(Path.Combine(folder, AdminFile)), LoadOrCreateFile(Path.Combine(folder, ReadFile)), dev);

    public Principal? Authenticate(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = System.Text.Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
            if (CryptographicOperations.FixedTimeEquals(presented, _admin)) return Principal.Owner;
            if (CryptographicOperations.FixedTimeEquals(presented, _read)) return Principal.Reader;
            return null;
        }
        // Development mode: no credentials needed, but only from this machine.
        if (_dev && header is null && context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)) return Principal.Owner;
        if (_dev && header is null && context.Connection.RemoteIpAddress is null) return Principal.Owner; // in-process test host
        return null;
    }

    private static string LoadOrCreateFile(string path)
    {
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        string token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(token + "\n"));
            file.Flush(flushToDisk: true);
        }
        // A token handed out must not change after a power loss: the name is durable once the folder is.
        Authority.DurableFolder.Sync(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return token;
    }
}
