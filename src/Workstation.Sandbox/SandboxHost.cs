using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workstation.Platform.Catalogue;
using Workstation.Sandbox.CardManagement;
using Workstation.Sandbox.Ehr;
using Workstation.Sandbox.His;
using Workstation.Sandbox.Lis;
using Workstation.Sandbox.Platform;

namespace Workstation.Sandbox;

/// <summary>Runs the simulators (platform, HIS, LIS/PACS, card management, a CDS Hooks EHR), each a small web app on its own loopback port (so each has its own origin).
/// Used in-process by the portal's demo mode and standalone by the tests.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private SandboxHost(PlatformState platform, HisState his, LisState lis, CardManagementState cards, EhrState ehr)
    {
        Platform = platform;
        His = his;
        Lis = lis;
        Cards = cards;
        Ehr = ehr;
    }

    public PlatformState Platform { get; }

    public HisState His { get; }

    public LisState Lis { get; }

    public CardManagementState Cards { get; }

    /// <summary>The demo EHR, a CDS Hooks client of the portal.</summary>
    public EhrState Ehr { get; }

    public Uri PlatformUrl { get; private set; } = null!;

    public Uri HisUrl { get; private set; } = null!;

    public Uri LisUrl { get; private set; } = null!;

    public Uri CardsUrl { get; private set; } = null!;

    public Uri EhrUrl { get; private set; } = null!;

    public static async Task<SandboxHost> StartAsync(SandboxOptions options, ILoggerFactory? loggerFactory = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var catalogue = RecognitionItemCatalogue.LoadDefault();
        var host = new SandboxHost(
            new PlatformState(catalogue, time ?? TimeProvider.System, options.PlatformUsername, options.PlatformPassword),
            new HisState(catalogue) { PortalUrl = options.PortalUrl },
            new LisState(),
            new CardManagementState(options.CardApiKey),
            new EhrState(catalogue));
        try
        {
            host.PlatformUrl = await host.StartAppAsync(options.Host, options.PlatformPort, loggerFactory,
                app => PlatformSimulator.Map(app, host.Platform), cancellationToken);
            host.HisUrl = await host.StartAppAsync(options.Host, options.HisPort, loggerFactory,
                app => HisSimulator.Map(app, host.His), cancellationToken);
            host.LisUrl = await host.StartAppAsync(options.Host, options.LisPort, loggerFactory,
                app => LisSimulator.Map(app, host.Lis), cancellationToken);
            host.CardsUrl = await host.StartAppAsync(options.Host, options.CardPort, loggerFactory,
                app => CardManagementSimulator.Map(app, host.Cards), cancellationToken);
            host.EhrUrl = await host.StartAppAsync(options.Host, options.EhrPort, loggerFactory,
                app => EhrSimulator.Map(app, host.Ehr), cancellationToken);
            host.Ehr.Issuer = host.EhrUrl.ToString().TrimEnd('/');
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    private async Task<Uri> StartAppAsync(string address, int port, ILoggerFactory? loggerFactory,
        Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
            Args = [],
        });
        builder.WebHost.UseUrls($"http://{address}:{port}");
        builder.Logging.ClearProviders();
        builder.Services.Configure<Microsoft.Extensions.Hosting.ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        if (loggerFactory is not null) builder.Services.AddSingleton(loggerFactory);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        var app = builder.Build();
        map(app);
        _apps.Add(app);
        await app.StartAsync(cancellationToken);
        return new Uri(app.Urls.First().TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _apps.Clear();
    }
}
