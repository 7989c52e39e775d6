using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Hosting;
using Workstation.Sandbox;

namespace Workstation.Bench;

/// <summary>The simulators and a real portal (Kestrel, SQLite file) on loopback, configured as in production
/// except for the demo HIS client.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const string ApiKey = "bench-his-api-key-00000001";
    public const string LisSecret = "bench-lis-webhook-secret-0123456789abcdef";
    public const string BloodUseClient = "bench-reduction";
    public const string BloodUsePassword = "bench-reduction-password";
    private readonly string _dir = Directory.CreateTempSubdirectory("workstation-bench").FullName;

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplication Portal { get; private set; } = null!;

    public Uri PortalUrl { get; private set; } = null!;

    private readonly List<WebApplication> _extraPortals = [];

    public static async Task<BenchEnvironment> StartAsync(IEnumerable<string>? extraArgs = null)
    {
        var env = new BenchEnvironment();
        env.Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        (env.Portal, env.PortalUrl) = await env.StartPortalAsync("bench.db", extraArgs);
        env.Sandbox.His.PortalUrl = env.PortalUrl.ToString().TrimEnd('/');
        env.Sandbox.His.Registration = new Workstation.Sandbox.His.HisRegistration("bench-his", ApiKey, "bench-launch-secret-0123456789abcdef");
        return env;
    }

    /// <summary>One more portal on the same simulators (e.g. a second instance on a shared database file and Redis);
    /// stopped with the environment.</summary>
    public async Task<(WebApplication App, Uri Url)> StartExtraPortalAsync(string databaseFile, IEnumerable<string>? extraArgs)
    {
        var started = await StartPortalAsync(databaseFile, extraArgs);
        _extraPortals.Add(started.App);
        return started;
    }

    private async Task<(WebApplication App, Uri Url)> StartPortalAsync(string databaseFile, IEnumerable<string>? extraArgs)
    {
        var env = this;
        string[] args =
        [
            "--environment=Bench",
            "--Urls=http://127.0.0.1:0",
            $"--Storage:ConnectionString=Data Source={Path.Combine(env._dir, databaseFile)}",
            $"--Platform:BaseUrl={env.Sandbox.PlatformUrl}",
            $"--Platform:Username={new SandboxOptions().PlatformUsername}",
            $"--Platform:Password={new SandboxOptions().PlatformPassword}",
            "--His:Clients:0:Id=bench-his",
            "--His:Clients:0:Name=Bench HIS",
            $"--His:Clients:0:ApiKey={ApiKey}",
            "--His:Clients:0:LaunchSecret=bench-launch-secret-0123456789abcdef",
            $"--His:Clients:0:Origins:0={env.Sandbox.HisUrl.GetLeftPart(UriPartial.Authority)}",
            "--Serilog:MinimumLevel:Default=Error",
            $"--Webhooks:Sources:lis:Secret={LisSecret}",
            $"--Alerts:LisBaseUrl={env.Sandbox.LisUrl}",
            $"--HealthCard:CardSystemBaseUrl={env.Sandbox.CardsUrl}",
            $"--HealthCard:ApiKey={new SandboxOptions().CardApiKey}",
            "--HealthCard:HospitalCode=441300900",
            "--HealthCard:SyncInterval=01:00:00",
            $"--BloodUse:HisBaseUrl={env.Sandbox.HisUrl}",
            "--BloodUse:InstitutionCode=441300900",
            $"--BloodUse:Clients:0:Id={BloodUseClient}",
            $"--BloodUse:Clients:0:PasswordHash={Workstation.Portal.BloodUse.BloodUsePasswordHash.Create(BloodUsePassword)}",
        ];
        var portal = PortalApplication.CreateBuilder([.. args, .. extraArgs ?? []]).Build();
        portal.UsePortal();
        await portal.StartAsync();
        var address = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (portal, new Uri($"http://localhost:{new Uri(address).Port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var extra in _extraPortals)
        {
            await extra.StopAsync();
            await extra.DisposeAsync();
        }
        await Portal.StopAsync();
        await Portal.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>Latency percentiles of one series.</summary>
public sealed record Percentiles(double P50, double P95, double P99, int Count, int Errors)
{
    public static Percentiles Of(IReadOnlyCollection<double> ms, int errors)
    {
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(At(0.50), At(0.95), At(0.99), sorted.Length, errors);
    }
}
