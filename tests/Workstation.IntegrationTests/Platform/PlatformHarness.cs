using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Sandbox;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.Platform;

/// <summary>The real platform client (Refit, token handler, resilience pipeline) against the platform simulator over
/// real HTTP on loopback. One per test, so counters and circuit state never leak between tests.</summary>
public sealed class PlatformHarness : IAsyncDisposable
{
    private PlatformHarness(SandboxHost sandbox, ServiceProvider services)
    {
        Sandbox = sandbox;
        Services = services;
    }

    public SandboxHost Sandbox { get; }

    public ServiceProvider Services { get; }

    public IRecognitionPlatform Client => Services.GetRequiredService<IRecognitionPlatform>();

    public static PatientIdentity Zhang => DemoWorld.Patients.Single(p => p.HisId == "P1001").Identity;

    /// <param name="clock">The client's clock (tokens expire on it); the system clock when null.</param>
    public static async Task<PlatformHarness> StartAsync(Dictionary<string, string?>? overrides = null, TimeProvider? clock = null)
    {
        var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        var settings = new Dictionary<string, string?>
        {
            ["Platform:BaseUrl"] = sandbox.PlatformUrl.ToString(),
            ["Platform:Username"] = new SandboxOptions().PlatformUsername,
            ["Platform:Password"] = new SandboxOptions().PlatformPassword,
            // Generous limits: these tests are about retries, faults and tokens, not speed, and on a busy CI machine a cold
            // first call (a new connection, code not yet compiled) took longer than the production 2 s budget. The test
            // about the budget sets its own.
            ["Platform:RequestBudget"] = "00:01:00",
            ["Platform:AttemptTimeout"] = "00:00:30",
            ["Platform:RetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in overrides ?? []) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(clock ?? TimeProvider.System)
            .AddRecognitionPlatform(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PlatformHarness(sandbox, services);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
