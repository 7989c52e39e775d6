using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Sandbox;

namespace Workstation.E2E;

/// <summary>The portal on a real Kestrel port plus the simulators, as the demo runs them. The HIS page is served from
/// 127.0.0.1 and the portal is addressed as localhost: two different sites, like a real HIS and portal.</summary>
public sealed class PortalServer : IAsyncDisposable
{
    public const string Password = "E2e@2026!";
    public const string ClientId = "e2e-his";
    public const string LisSecret = "e2e-lis-webhook-secret-0123456789abcdef";
    public const string ApiKey = "e2e-his-api-key-0000001";
    public const string LaunchSecret = "e2e-launch-secret-0123456789abcdef0123";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "workstation-e2e-" + Guid.NewGuid().ToString("N"));

    private PortalServer(SandboxHost sandbox, WebApplicationFactory<Program> factory, Uri portalUrl, PortalLog log)
    {
        Sandbox = sandbox;
        Factory = factory;
        PortalUrl = portalUrl;
        Log = log;
    }

    /// <summary>The portal's warnings and errors (a failed test prints those logged while it ran).</summary>
    public PortalLog Log { get; }

    public SandboxHost Sandbox { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public Uri PortalUrl { get; }

    public static async Task<PortalServer> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        var dataDirectory = Path.Combine(Path.GetTempPath(), "workstation-e2e-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "portal.db")}",
            ["Platform:BaseUrl"] = sandbox.PlatformUrl.ToString(),
            ["Platform:Username"] = new SandboxOptions().PlatformUsername,
            ["Platform:Password"] = new SandboxOptions().PlatformPassword,
            ["His:Clients:0:Id"] = ClientId,
            ["His:Clients:0:Name"] = "E2E HIS",
            ["His:Clients:0:ApiKey"] = ApiKey,
            ["His:Clients:0:LaunchSecret"] = LaunchSecret,
            ["His:Clients:0:Origins:0"] = sandbox.HisUrl.GetLeftPart(UriPartial.Authority),
            ["Demo:SeedAccounts"] = "true",
            ["Demo:Password"] = Password,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // Outage tests recover in seconds, not the production 15 s.
            ["Platform:BreakDuration"] = "00:00:01",
            ["Webhooks:Sources:lis:Secret"] = LisSecret,
            ["Alerts:LisBaseUrl"] = sandbox.LisUrl.ToString(),
            ["Alerts:TimerInterval"] = "00:00:00.300",
            ["Orders:RecheckInterval"] = "00:00:02",
            ["Uploads:LisBaseUrl"] = sandbox.LisUrl.ToString(),
            ["Uploads:Departments:JYK"] = "Approve",
            ["Uploads:HisBaseUrl"] = sandbox.HisUrl.ToString(),
            ["Uploads:HisApiKey"] = sandbox.His.Records.ApiKey,
            ["Uploads:FeedInterval"] = "00:00:00.300",
            ["HealthCard:CardSystemBaseUrl"] = sandbox.CardsUrl.ToString(),
            ["HealthCard:ApiKey"] = new SandboxOptions().CardApiKey,
            ["HealthCard:HospitalCode"] = "441300900",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        var log = new PortalLog();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.ConfigureServices(s => s.AddSingleton<Serilog.Core.ILogEventSink>(log));
            b.UseContentRoot(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot());
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var portal = new Uri($"http://localhost:{new Uri(address).Port}/");
        sandbox.His.PortalUrl = portal.ToString().TrimEnd('/');
        sandbox.His.Registration = new Workstation.Sandbox.His.HisRegistration(ClientId, ApiKey, LaunchSecret);
        sandbox.Lis.Webhook = (portal, LisSecret); // the LIS posts its signed events to this portal
        return new PortalServer(sandbox, factory, portal, log);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}
