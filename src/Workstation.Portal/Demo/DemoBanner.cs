using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Workstation.Portal.Accounts;
using Workstation.Sandbox;

using Workstation.Portal.Hosting;

namespace Workstation.Portal.Demo;

/// <summary>After start: tells the demo HIS where the portal listens and prints the URLs an evaluator needs.</summary>
internal sealed class DemoBanner(IServer server, SandboxRuntime sandbox, IOptions<DemoOptions> demo, IOptions<HisOptions> his,
    IOptions<Inbound.WebhookOptions> webhooks, IOptions<CdsHooks.CdsHooksOptions> cdsHooks, ILogger<DemoBanner> logger)
{
    /// <summary>The portal's own base URL as browsers reach it (wildcard hosts shown as localhost).</summary>
    public Uri? PortalUrl => server.Features.Get<IServerAddressesFeature>()?.Addresses
        .Select(a => a.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://+", "://localhost"))
        .Select(a => new Uri(a.TrimEnd('/') + "/"))
        .OrderBy(u => u.Scheme == "http" ? 0 : 1)
        .FirstOrDefault();

    public void Print(WebApplication app)
    {
        var portal = PortalUrl;
        if (sandbox.Host is { } host)
        {
            host.His.PortalUrl ??= portal?.ToString().TrimEnd('/');
            // The demo HIS is registered as the first configured HIS client.
            if (his.Value.Clients.FirstOrDefault() is { } client)
                host.His.Registration ??= new Workstation.Sandbox.His.HisRegistration(client.Id, client.ApiKey, client.LaunchSecret);
            if (portal is not null && webhooks.Value.Sources.TryGetValue("lis", out var lis))
                host.Lis.Webhook ??= (portal, lis.Secret);
            if (portal is not null && webhooks.Value.Sources.TryGetValue("pacs", out var pacs))
                host.Lis.Reports.PacsWebhook ??= (portal, pacs.Secret);
            if (portal is not null && webhooks.Value.Sources.TryGetValue("his", out var hisHook))
                host.His.Records.Webhook ??= (portal, hisHook.Secret);
            // The demo EHR calls the CDS services under the public base URL its JWTs' aud must name.
            var cds = cdsHooks.Value;
            var ehrRegistered = cds.Clients.Any(c => c.Issuer == host.Ehr.Issuer);
            if (ehrRegistered) host.Ehr.PortalUrl ??= string.IsNullOrEmpty(cds.PublicBaseUrl) ? portal?.ToString().TrimEnd('/') : cds.PublicBaseUrl.TrimEnd('/');
            var lines = new List<string>
            {
                "",
                "  Workstation demo is running.",
                $"  Demo HIS doctor workstation : {host.HisUrl}",
                $"  Portal (staff sign-in)      : {portal}",
                $"  Platform simulator          : {host.PlatformUrl}   (faults: {host.PlatformUrl}admin/faults)",
                $"  LIS/PACS simulator          : {host.LisUrl}   (send a demo critical value, approve lab reports for upload)",
                $"  Health-card system simulator: {host.CardsUrl}   (blacklist and usage logs; 刷卡 in the demo HIS)",
                $"  Blood-use interface (seed 1): {portal}blood-use/token?id=...&password=...   (docs/blood-use.md)",
            };
            lines.Add(ehrRegistered
                ? $"  Demo EHR (CDS Hooks client) : {host.EhrUrl}   (order-select / order-sign cards, feedback; docs/cds-hooks.md)"
                : $"  Demo EHR (CDS Hooks client) : {host.EhrUrl}   (not registered: no CdsHooks:Clients entry has issuer {host.Ehr.Issuer})");
            if (demo.Value.SeedAccounts)
                lines.Add($"  Demo sign-ins               : {string.Join(", ", DemoAccountSeeder.Accounts.Select(a => a.User))} / password {demo.Value.Password}");
            lines.Add("");
            Console.WriteLine(string.Join(Environment.NewLine, lines));
        }
        else
        {
            logger.LogInformation("Workstation portal listening on {Url}", portal);
        }
    }
}
