using System.Text.RegularExpressions;

namespace Workstation.UnitTests;

/// <summary>Small truths a newcomer trips over: a decision note cited by the wrong number, a note the README does not
/// list.</summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot();

    private static IEnumerable<string> Documents() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Append(Path.Combine(Root, "README.md"));

    [Fact]
    public void Every_decision_note_is_cited_by_its_own_number()
    {
        var wrong = (from file in Documents()
                     from Match m in CitedDecision().Matches(File.ReadAllText(file))
                     where m.Groups["cited"].Value != m.Groups["file"].Value
                     select $"{Path.GetRelativePath(Root, file)}: '{m.Value}'").ToList();
        Assert.True(wrong.Count == 0, "Decision notes cited by another number:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_decision_note_exists_where_it_is_linked_and_the_readme_links_them_all()
    {
        var notes = Directory.GetFiles(Path.Combine(Root, "docs", "decisions"), "*.md").Select(Path.GetFileName).ToList();
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.All(notes, note => Assert.Contains("docs/decisions/" + note, readme));
        var broken = (from file in Documents()
                      from Match m in DecisionLink().Matches(File.ReadAllText(file))
                      where !notes.Contains(m.Groups["note"].Value)
                      select $"{Path.GetRelativePath(Root, file)}: {m.Value}").ToList();
        Assert.True(broken.Count == 0, "Links to decision notes that do not exist:\n" + string.Join("\n", broken));
    }

    // "[decision 0011](docs/decisions/0011-blood-use-contract.md)", "[decision 0012](decisions/0012-…)".
    [GeneratedRegex(@"\[decision (?<cited>\d{4})\]\((?:\.\./|docs/)?decisions/(?<file>\d{4})-[^)]+\)", RegexOptions.IgnoreCase)]
    private static partial Regex CitedDecision();

    [GeneratedRegex(@"decisions/(?<note>\d{4}-[\w.-]+\.md)")]
    private static partial Regex DecisionLink();
}
