using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Workstation.UnitTests;

/// <summary>A key used as <c>L["…"]</c> that neither resource file holds shows up on screen as the key itself
/// ("Nav.Alerts"): every literal key the portal uses must be in the Chinese and the English resources.</summary>
public sealed partial class LocalizationKeyTests
{
    private static readonly string Root = Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot();

    [Theory]
    [InlineData("SharedResource.resx")]
    [InlineData("SharedResource.en.resx")]
    public void Every_literal_key_the_portal_uses_is_in_the_resources(string resource)
    {
        var source = Path.Combine(Root, "src", "Workstation.Portal");
        var keys = XDocument.Load(Path.Combine(source, "Localization", resource)).Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!).ToHashSet();
        var missing = (from file in Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
                       where file.EndsWith(".razor") || file.EndsWith(".cs")
                       where !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                       from Match m in LiteralKey().Matches(File.ReadAllText(file))
                       let key = m.Groups["key"].Value
                       where !keys.Contains(key)
                       select $"{Path.GetRelativePath(Root, file)}: {key}").Distinct().ToList();
        Assert.True(missing.Count == 0, $"Keys missing from {resource}:\n" + string.Join("\n", missing));
    }

    [GeneratedRegex("""\bL\["(?<key>[A-Za-z][A-Za-z0-9_.]*)"\]""")]
    private static partial Regex LiteralKey();
}
