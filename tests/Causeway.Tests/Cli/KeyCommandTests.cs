using Causeway.Authority;
using Causeway.Tests.Support;

namespace Causeway.Tests.Cli;

/// <summary>`causeway key new` writes a key file (mode 0600) and prints its did:key; `key show` prints
/// it again; an existing file is refused with one line and exit code 2.</summary>
public sealed class KeyCommandTests
{
    [Fact]
    public async Task New_then_show_print_the_same_did()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "alice.key");
        var (exit, output, error) = await CliProcess.RunAsync(["key", "new", "--out", path]);
        Assert.True(exit == 0, error);
        Assert.Equal("", error);
        string did = output.Trim();
        Assert.StartsWith("did:key:z6Mk", did);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using (var key = PrincipalKey.Load(path)) Assert.Equal(did, key.Did);

        (exit, output, error) = await CliProcess.RunAsync(["key", "show", "--file", path]);
        Assert.True(exit == 0, error);
        Assert.Equal(did, output.Trim());
    }

    [Fact]
    public async Task An_existing_file_is_refused_with_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "alice.key");
        Assert.Equal(0, (await CliProcess.RunAsync(["key", "new", "--out", path])).Exit);
        var before = await File.ReadAllBytesAsync(path);
        var (exit, output, error) = await CliProcess.RunAsync(["key", "new", "--out", path]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("already exists", error);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Showing_a_missing_file_is_bad_input()
    {
        using var folder = new TempFolder();
        var (exit, _, error) = await CliProcess.RunAsync(["key", "show", "--file", Path.Combine(folder.Path, "nope.key")]);
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
    }
}
