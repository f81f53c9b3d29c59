using System.Text.RegularExpressions;

namespace Causeway.Tests.Readme;

/// <summary>The repository stands alone: its docs, README and code comments never send a reader to
/// files that are not in it.</summary>
public sealed class StandaloneTests
{
    private static readonly Regex Outside = new(@"shared/|DESIGN\.md|STACK\.md|(?<!docs/)\bAPI\.md|\bseed 00\d", RegexOptions.Compiled);

    [Fact]
    public void Nothing_in_docs_readme_or_src_points_outside_the_repository()
    {
        string root = Causeway.Tests.Encoding.RepoRoot.Find();
        var files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md")
            .Append(Path.Combine(root, "README.md"))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")));
        var found = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (Outside.IsMatch(lines[i])) found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.Empty(found);
    }

    [Fact]
    public void The_check_sees_a_reference_outside()
    {
        Assert.Matches(Outside, "the contract of shared/API.md");
        Assert.Matches(Outside, "(API.md, FIELD-OP)");
        Assert.Matches(Outside, "see DESIGN.md");
        Assert.DoesNotMatch(Outside, "see docs/api.md");
    }
}
