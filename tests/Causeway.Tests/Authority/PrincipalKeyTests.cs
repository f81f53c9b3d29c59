using Causeway.Authority;
using Causeway.Security;
using Causeway.Tests.Support;

namespace Causeway.Tests.Authority;

/// <summary>A principal's key: created, saved as its 32-byte seed with mode 0600, loaded back to the same
/// did:key, never overwritten, and its signatures verify against its DID.</summary>
public sealed class PrincipalKeyTests
{
    [Fact]
    public void A_saved_key_loads_back_to_the_same_did_and_signs()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "alice.key");
        using var key = PrincipalKey.Create();
        key.Save(path);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(32, new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".tmp"));
        using var again = PrincipalKey.Load(path);
        Assert.Equal(key.Did, again.Did);
        Assert.StartsWith("did:key:z6Mk", again.Did);
        var signature = again.Sign("invoke"u8);
        Assert.True(Signatures.Verify(key.Did, "invoke"u8, signature));
        Assert.False(Signatures.Verify(key.Did, "invokE"u8, signature));
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "alice.key");
        using var first = PrincipalKey.Create();
        first.Save(path);
        using var second = PrincipalKey.Create();
        Assert.Throws<IOException>(() => second.Save(path));
        using var loaded = PrincipalKey.Load(path);
        Assert.Equal(first.Did, loaded.Did);
    }

    [Fact]
    public void The_key_file_is_a_replica_identity_seed()
    {
        using var folder = new TempFolder();
        using var key = PrincipalKey.Create();
        key.Save(Path.Combine(folder.Path, ReplicaIdentity.FileName));
        using var identity = ReplicaIdentity.LoadOrCreate(folder.Path);
        Assert.Equal(key.Did, identity.Did);
    }
}
