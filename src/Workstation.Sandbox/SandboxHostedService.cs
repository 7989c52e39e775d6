using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workstation.Sandbox;

/// <summary>Hosts the simulators inside the portal process in demo mode, started with it and stopped with it.</summary>
public sealed class SandboxHostedService(
    IOptions<SandboxOptions> options,
    ILoggerFactory loggerFactory,
    SandboxRuntime runtime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var host = await SandboxHost.StartAsync(options.Value, loggerFactory, cancellationToken: cancellationToken);
        runtime.Host = host;
        loggerFactory.CreateLogger<SandboxHostedService>().LogInformation(
            "Sandbox simulators: platform {Platform}, HIS {His}, LIS/PACS {Lis}", host.PlatformUrl, host.HisUrl, host.LisUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (runtime.Host is { } host) await host.DisposeAsync();
        runtime.Host = null;
    }
}

/// <summary>Gives the portal's demo wiring access to the running simulators (e.g. to tell HIS where the portal is).</summary>
public sealed class SandboxRuntime
{
    public SandboxHost? Host { get; set; }
}
