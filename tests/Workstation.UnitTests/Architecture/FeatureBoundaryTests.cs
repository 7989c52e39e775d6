using System.Text.RegularExpressions;

namespace Workstation.UnitTests.Architecture;

/// <summary>The portal's boundaries, read from its source: a feature's tables are read and written only in its own
/// folder (others ask its query methods, e.g. Orders/OrderQueries.cs), and the shared machinery names no feature
/// except where Hosting registers them.</summary>
public sealed partial class FeatureBoundaryTests
{
    private static readonly string Source = Path.Combine(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "src", "Workstation.Portal");

    /// <summary>Folders that are machinery every feature may use, not features.</summary>
    private static readonly string[] Shared = ["Outbox", "Notifications", "Presence", "Background", "Storage", "Hosting", "Audit", "Components", "Localization", "Properties"];

    /// <summary>The demo seeder writes a history into every feature's tables, as those features would have.</summary>
    private const string Demo = "Demo";

    private static string FolderOf(string file) => Path.GetRelativePath(Source, file).Split(Path.DirectorySeparatorChar)[0];

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(Source, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "Migrations"));

    [Fact]
    public void No_feature_reads_or_writes_another_features_tables()
    {
        var tables = (from file in Files()
                      let folder = FolderOf(file)
                      where !Shared.Contains(folder)
                      from Match m in TableDeclaration().Matches(File.ReadAllText(file))
                      select (Entity: m.Groups["entity"].Value, Name: m.Groups["name"].Value, Owner: folder)).ToList();
        Assert.Contains(tables, t => t is { Name: "Decisions", Owner: "Orders" }); // the scan finds the tables

        var crossings = (from file in Files()
                         let folder = FolderOf(file)
                         where folder != Demo && file.Contains(Path.DirectorySeparatorChar + folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                         let text = File.ReadAllText(file)
                         from t in tables
                         where t.Owner != folder
                         where Regex.IsMatch(text, @"\b\w*(?:db|Db|read|context)\." + t.Name + @"\b") || Regex.IsMatch(text, @"Set<(?:[\w.]+\.)?" + t.Entity + ">")
                         select $"{Path.GetRelativePath(Source, file)} uses {t.Owner}'s {t.Name}").Distinct().ToList();
        Assert.True(crossings.Count == 0, "Read through the owning feature's query methods instead:\n" + string.Join("\n", crossings));
    }

    [Fact]
    public void Shared_machinery_names_no_feature_except_where_hosting_registers_them()
    {
        var features = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj") && !Shared.Contains(f)).ToList();
        Assert.Contains("Orders", features);
        string[] registration = ["PortalServices.cs", "PortalApplication.cs"];
        var found = (from file in Files()
                     let folder = FolderOf(file)
                     where Shared.Contains(folder) && folder is not ("Components" or "Localization")
                     where !(folder == "Hosting" && registration.Contains(Path.GetFileName(file)))
                     from line in File.ReadLines(file)
                     from feature in features
                     where line.Contains("Workstation.Portal." + feature + ";", StringComparison.Ordinal)
                           || line.Contains("Workstation.Portal." + feature + ".", StringComparison.Ordinal)
                     select $"{Path.GetRelativePath(Source, file)}: {line.Trim()}").ToList();
        Assert.True(found.Count == 0, "Shared machinery depends on a feature:\n" + string.Join("\n", found));
    }

    [Fact]
    public void Every_feature_registers_itself_in_its_own_registration_file()
    {
        var features = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj") && !Shared.Contains(f)).ToList();
        var missing = features.Where(f => Directory.GetFiles(Path.Combine(Source, f!), "*Registration.cs").Length != 1).ToList();
        Assert.True(missing.Count == 0, "Features without exactly one <Feature>Registration.cs: " + string.Join(", ", missing));
    }

    // "public DbSet<OrderCheck> OrderChecks => db.Set<OrderCheck>();" inside a feature's extension block.
    [GeneratedRegex(@"DbSet<(?<entity>\w+)>\s+(?<name>\w+)\s*=>")]
    private static partial Regex TableDeclaration();
}
