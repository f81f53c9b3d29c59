using System.Collections.Concurrent;
using Causeway.Authority;
using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Server.Access;

/// <summary>Held delegations and revocations in the server's folder, under <c>authority/</c>: each held
/// delegation is a file <c>tokens/CID</c> of its envelope bytes, written through a temporary file and
/// renamed; revocations are lines <c>CID by-DID unix-seconds</c> appended to <c>revoked</c> and
/// flushed to disk before the answer. Both are read into memory at start.</summary>
public sealed class FileAuthorityStore : IAuthorityStore
{
    public const string FolderName = "authority";
    private const string TokensFolder = "tokens";
    private const string RevokedFile = "revoked";

    private readonly string _tokens;
    private readonly string _revokedPath;
    private readonly ConcurrentDictionary<Cid, Delegation> _held = new();
    private readonly ConcurrentDictionary<Cid, bool> _revoked = new();
    private readonly Lock _write = new();
    private readonly TimeProvider _time;

    public FileAuthorityStore(string dataDirectory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        string folder = Path.Combine(dataDirectory, FolderName);
        _tokens = Path.Combine(folder, TokensFolder);
        _revokedPath = Path.Combine(folder, RevokedFile);
        // The folders are made at the first write: a server that never holds or revokes a token leaves none.
        foreach (var file in Directory.Exists(_tokens) ? Directory.EnumerateFiles(_tokens) : [])
        {
            if (file.EndsWith(".tmp", StringComparison.Ordinal)) { File.Delete(file); continue; }
            // A file that no longer reads as a delegation is skipped: a request naming it finds no proof (401).
            try
            {
                var delegation = Delegation.Read(File.ReadAllBytes(file));
                _held[delegation.Cid] = delegation;
            }
            catch (UcanException) { }
        }
        if (File.Exists(_revokedPath))
            foreach (var line in File.ReadLines(_revokedPath))
            {
                var cid = line.Split(' ', 2)[0];
                // A line cut short by a crash is one that was never acknowledged.
                if (Cid.TryParse(cid, out var revoked)) _revoked[revoked] = true;
            }
    }

    public int HeldCount => _held.Count;

    public Delegation? Held(Cid cid) => _held.TryGetValue(cid, out var delegation) ? delegation : null;

    public bool Hold(Delegation delegation)
    {
        if (_held.ContainsKey(delegation.Cid)) return false;
        lock (_write)
        {
            if (_held.ContainsKey(delegation.Cid)) return false;
            Directory.CreateDirectory(_tokens);
            string path = Path.Combine(_tokens, delegation.Cid.ToString());
            string temp = path + ".tmp";
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                file.Write(delegation.Bytes.Span);
                file.Flush(flushToDisk: true);
            }
            DurableFolder.Move(temp, path, overwrite: true);
            _held[delegation.Cid] = delegation;
            return true;
        }
    }

    public bool IsRevoked(Cid cid) => !_revoked.IsEmpty && _revoked.ContainsKey(cid);

    public bool Revoke(Cid cid, string by)
    {
        if (_revoked.ContainsKey(cid)) return false;
        lock (_write)
        {
            if (_revoked.ContainsKey(cid)) return false;
            Directory.CreateDirectory(Path.GetDirectoryName(_revokedPath)!);
            using (var file = new FileStream(_revokedPath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes($"{cid} {by} {_time.GetUtcNow().ToUnixTimeSeconds()}\n"));
                file.Flush(flushToDisk: true);
            }
            _revoked[cid] = true;
            return true;
        }
    }
}
