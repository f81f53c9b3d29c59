using Causeway.Security;
using Causeway.Tests.Support;

namespace Causeway.Tests.Security;

public sealed class IdentityTests
{
    [Fact]
    public void The_key_is_created_once_with_mode_0600_and_reloads_to_the_same_did()
    {
        using var folder = new TempFolder();
        string did;
        using (var identity = ReplicaIdentity.LoadOrCreate(folder.Path)) did = identity.Did;
        var file = Path.Combine(folder.Path, ReplicaIdentity.FileName);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(32, new FileInfo(file).Length);
        using var again = ReplicaIdentity.LoadOrCreate(folder.Path);
        Assert.Equal(did, again.Did);
    }

    [Fact]
    public void A_did_key_names_its_public_key_and_verifies_signatures()
    {
        using var identity = ReplicaIdentity.CreateEphemeral();
        Assert.StartsWith("did:key:z6Mk", identity.Did); // multicodec 0xed01 under base58btc always reads z6Mk
        Assert.Equal(identity.PublicKey, DidKey.ToRawPublicKey(identity.Did));
        var signature = identity.Sign("hello"u8);
        Assert.True(Signatures.Verify(identity.Did, "hello"u8, signature));
        Assert.False(Signatures.Verify(identity.Did, "hellO"u8, signature));
        Assert.False(Signatures.Verify("did:key:zNotAKey", "hello"u8, signature));
    }

    [Fact]
    public void The_did_key_spec_test_vector_decodes()
    {
        // From the did:key specification's Ed25519 examples.
        var key = DidKey.ToRawPublicKey("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
        Assert.Equal(32, key.Length);
        Assert.Equal("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", DidKey.FromPublicKey(key));
    }
}
