using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

using Workstation.Portal.Demo;

namespace Workstation.Portal.Hosting;

/// <summary>Builds and runs the portal. Kept apart from <c>Program</c> so tests and the demo host share one wiring.</summary>
internal static partial class PortalApplication
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
        catch (Exception ex) when (DescribeStartupFailure(ex) is { } message)
        {
            await Console.Error.WriteLineAsync(message);
            return 1;
        }

        app.StartDemo();
        await app.WaitForShutdownAsync();
        await app.DisposeAsync(); // flushes and disposes the host's own logger
        return 0;
    }

    /// <summary>For a configuration error: one line per problem naming the configuration key, for an operator
    /// reading the console; for an address another program already listens on, which one and what to do. Null for any
    /// other exception (a bug, which should crash loudly with its stack).</summary>
    public static string? DescribeStartupFailure(Exception ex)
    {
        if (AddressInUse(ex) is { } bind)
        {
            return "Workstation cannot start: an address it listens on is already in use." + Environment.NewLine
                + "  - " + bind.Message + Environment.NewLine
                + "Another Workstation (or another program) may be running: stop it, or move the port (Urls for the portal, "
                + "Sandbox:PlatformPort / HisPort / LisPort / CardPort / EhrPort for the demo's simulators).";
        }
        var failures = ex switch
        {
            OptionsValidationException o => [o],
            AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) =>
                a.InnerExceptions.Cast<OptionsValidationException>().ToList(),
            _ => new List<OptionsValidationException>(),
        };
        IEnumerable<string> lines;
        if (failures.Count > 0) lines = failures.SelectMany(Describe);
        else if (ex is InvalidConfigurationException) lines = ["  - " + ex.Message];
        else return null;
        return "Workstation cannot start: the configuration is invalid." + Environment.NewLine
            + string.Join(Environment.NewLine, lines) + Environment.NewLine
            + "Fix appsettings.json (or the matching environment variable) and start again.";
    }

    /// <summary>Kestrel's "Failed to bind to address …: address already in use" (its inner exception says why).</summary>
    private static Exception? AddressInUse(Exception ex) => ex switch
    {
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } => ex,
        AggregateException a => a.InnerExceptions.Select(AddressInUse).FirstOrDefault(e => e is not null),
        _ => null,
    };

    private static IEnumerable<string> Describe(OptionsValidationException ex)
    {
        var section = ex.OptionsType.GetField("Section")?.GetRawConstantValue() as string ?? ex.OptionsType.Name;
        return ex.Failures.Select(f => DataAnnotationFailure().Match(f) is { Success: true } m
            ? m.Groups[1].Value.Length > 0 ? $"  - {section}:{m.Groups[1].Value}: {m.Groups[2].Value}" : $"  - {m.Groups[2].Value}"
            : $"  - {section}: {f}");
    }

    [GeneratedRegex("members: '(.*?)' with the error: '(.+)'\\.?$")]
    private static partial Regex DataAnnotationFailure();
}

/// <summary>A configuration problem that options validation cannot express (e.g. an unknown storage provider).</summary>
internal sealed class InvalidConfigurationException(string message) : Exception(message);
