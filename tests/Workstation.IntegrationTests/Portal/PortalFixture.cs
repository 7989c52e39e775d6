using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>The portal over a real SQLite file, talking to the simulators over real HTTP on loopback.</summary>
public partial class PortalFixture : IAsyncLifetime
{
    public const string Password = "Test@2026!";
    public const string HisApiKey = "integration-his-api-key-0001";
    public const string LisSecret = "integration-lis-webhook-secret-0000000001";

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "workstation-it-" + Guid.NewGuid().ToString("N"));

    public static string RepositoryRoot => Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot();

    public virtual async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => Configure(b, Sandbox, DataDirectory, Settings));
    }

    /// <summary>Configuration of a variant fixture, over the common test settings.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <summary>A second portal host over the same database and simulators whose clock is <paramref name="clock"/>: its
    /// timers, leases, escalations and expiries move when the test advances the clock, never by waiting.</summary>
    public WebApplicationFactory<Program> WithClock(FakeTimeProvider clock, Action<IWebHostBuilder>? configure = null) =>
        Factory.WithWebHostBuilder(b =>
        {
            configure?.Invoke(b);
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });

    /// <summary>A fake clock that starts now (webhook signatures and launch URLs carry the real time).</summary>
    public static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    /// <summary>Two fake clocks that start at the same instant (two instances of the portal).</summary>
    public static (FakeTimeProvider, FakeTimeProvider) Clocks()
    {
        var now = DateTimeOffset.UtcNow;
        return (new FakeTimeProvider(now), new FakeTimeProvider(now));
    }

    public static void Configure(IWebHostBuilder b, SandboxHost sandbox, string dataDirectory, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "portal.db")}",
            ["Platform:BaseUrl"] = sandbox.PlatformUrl.ToString(),
            ["Platform:Username"] = new SandboxOptions().PlatformUsername,
            ["Platform:Password"] = new SandboxOptions().PlatformPassword,
            ["Platform:RetryDelay"] = "00:00:00.010",
            ["His:Clients:0:Id"] = "test-his",
            ["His:Clients:0:Name"] = "Test HIS",
            ["His:Clients:0:ApiKey"] = HisApiKey,
            ["His:Clients:0:LaunchSecret"] = "integration-launch-secret-0123456789abcdef",
            ["His:Clients:0:Origins:0"] = sandbox.HisUrl.GetLeftPart(UriPartial.Authority),
            ["Demo:SeedAccounts"] = "true",
            ["Demo:Password"] = Password,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Webhooks:Sources:lis:Secret"] = LisSecret,
            ["Alerts:LisBaseUrl"] = sandbox.LisUrl.ToString(),
            ["Alerts:OnDuty:NK"] = "D002",
            ["Alerts:DepartmentHeads:NK"] = "D003",
            // Background timers stay out of the way; tests drive escalation and the outbox explicitly.
            ["Alerts:TimerInterval"] = "00:01:00",
            ["Outbox:Dispatch"] = "false",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        b.UseEnvironment("Testing");
        b.UseContentRoot(RepositoryRoot);
        foreach (var (key, value) in settings) b.UseSetting(key, value);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>A client of <paramref name="factory"/> signed in as a seeded staff account (qc, admin, lab).</summary>
    public static async Task<HttpClient> SignedInAsync(WebApplicationFactory<Program> factory, string user)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = user,
            ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {user} failed: {response.StatusCode}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
