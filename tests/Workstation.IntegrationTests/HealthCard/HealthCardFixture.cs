using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Sandbox;
using Workstation.Testing;

namespace Workstation.IntegrationTests.HealthCard;

/// <summary>The portal as the hospital's front-end system, synced with the card-management simulator over HTTP.
/// Timers are slow: the tests drive the sync, the batching and the outbox themselves.</summary>
public sealed class HealthCardFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    private readonly string _data = Path.Combine(Path.GetTempPath(), "workstation-it-card-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, Sandbox, _data, new Dictionary<string, string?>
        {
            ["HealthCard:CardSystemBaseUrl"] = Sandbox.CardsUrl.ToString(),
            ["HealthCard:ApiKey"] = new SandboxOptions().CardApiKey,
            ["HealthCard:HospitalCode"] = "441300900",
            ["HealthCard:SyncInterval"] = "01:00:00",
            ["HealthCard:BatchInterval"] = "01:00:00",
            ["HealthCard:BatchSize"] = "10",
            ["Outbox:FirstBackoff"] = "00:00:00",
            ["Outbox:MaxBackoff"] = "00:00:00",
            ["Outbox:MaxAttempts"] = "50",
        }));
        Factory.CreateClient().Dispose(); // start the host: the first full load runs now
        // Its sync loop's first pass is the full load; the next is an hour away. Waiting for it keeps that pass out of the
        // tests, which drive the sync themselves: on a busy machine it came late, took a failure a test had scheduled
        // for its own call, and the test saw "unchanged".
        var blacklist = Factory.Services.GetRequiredService<Workstation.Portal.HealthCard.Blacklist>();
        await Eventually.UntilAsync(() => blacklist.Status.FullLoads > 0, "the portal's first blacklist load");
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
