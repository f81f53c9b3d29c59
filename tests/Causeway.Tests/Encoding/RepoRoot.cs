namespace Causeway.Tests.Encoding;

internal static class RepoRoot
{
    /// <summary>The folder holding Causeway.slnx, found by walking up from the test binaries.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Causeway.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Causeway.slnx above {AppContext.BaseDirectory}.");
    }
}
