namespace Workstation.Portal.Hosting;

/// <summary>Finds the folder that holds <c>appsettings.json</c> and <c>wwwroot/</c>: the repository root when running from
/// source (beside <c>Workstation.sln</c>), the application folder when published.</summary>
internal static class RepositoryLayout
{
    public static string LocateContentRoot()
    {
        var configured = Environment.GetEnvironmentVariable("WORKSTATION_CONTENT_ROOT");
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workstation.sln"))) return dir.FullName;
        }
        return AppContext.BaseDirectory;
    }
}
