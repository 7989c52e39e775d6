using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.BloodUse;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.BloodUse;

/// <summary>The portal with the blood-use interface configured against the HIS simulator, with every log event it
/// writes (Information and up, ASP.NET Core's request lines included) captured for the redaction tests.</summary>
public sealed class BloodUseFixture : IAsyncLifetime
{
    public const string ClientId = "province-reduction";
    public const string LockoutClientId = "lockout-probe";
    public const string SecondLockoutClientId = "lockout-probe-2";
    public const string Password = "Reduce@2026-it";
    public const string InstitutionCode = "441300900";
    public const string AllowedOrigin = "https://jianmian.example.gov.cn";

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public CapturedLog Log { get; } = new();

    private readonly string _data = Path.Combine(Path.GetTempPath(), "workstation-it-blood-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        var hash = BloodUsePasswordHash.Create(Password);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            PortalFixture.Configure(b, Sandbox, _data, new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Default"] = "Information",
                ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Information",
                ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Information",
                ["BloodUse:HisBaseUrl"] = Sandbox.HisUrl.ToString(),
                ["BloodUse:InstitutionCode"] = InstitutionCode,
                ["BloodUse:AllowedOrigins:0"] = AllowedOrigin,
                ["BloodUse:MaxFailedAttempts"] = "3",
                ["BloodUse:Clients:0:Id"] = ClientId,
                ["BloodUse:Clients:0:PasswordHash"] = hash,
                ["BloodUse:Clients:1:Id"] = LockoutClientId,
                ["BloodUse:Clients:1:PasswordHash"] = hash,
                ["BloodUse:Clients:2:Id"] = SecondLockoutClientId,
                ["BloodUse:Clients:2:PasswordHash"] = hash,
            });
            b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(Log));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
