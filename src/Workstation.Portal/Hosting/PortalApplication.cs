using Microsoft.Extensions.Options;
using Serilog;

namespace Workstation.Portal.Hosting;

/// <summary>Builds and runs the portal. Kept apart from <c>Program</c> so tests and the demo host share one wiring.</summary>
public static class PortalApplication
{
    /// <summary>Creates the builder with the repository root (or the published folder) as content root, so the root
    /// <c>appsettings.json</c> and <c>wwwroot/</c> are the portal's own.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var explicitRoot = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(PortalApplication).Assembly.GetName().Name,
            ContentRootPath = explicitRoot ? null : RepositoryLayout.LocateContentRoot(),
        });
        // Framework and MudBlazor assets come from the static web assets manifest in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        builder.AddPortalServices();
        return builder;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = CreateBuilder(args).Build();
            app.UsePortal();
            await app.StartAsync();
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync(DescribeInvalidOptions(ex));
            return 1;
        }
        catch (InvalidConfigurationException ex)
        {
            await Console.Error.WriteLineAsync("Workstation cannot start: " + ex.Message);
            return 1;
        }

        app.Services.GetRequiredService<DemoBanner>().Print(app);
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        await Log.CloseAndFlushAsync();
        return 0;
    }

    /// <summary>One line per failed option, naming the configuration key, for an operator reading the console.</summary>
    public static string DescribeInvalidOptions(OptionsValidationException ex) =>
        "Workstation cannot start: the configuration is invalid." + Environment.NewLine
        + string.Join(Environment.NewLine, ex.Failures.Select(f => "  - " + f))
        + Environment.NewLine + "Fix appsettings.json (or the matching environment variable) and start again.";
}

/// <summary>A configuration problem that options validation cannot express (e.g. an unknown storage provider).</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
