using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workstation.Platform;

/// <summary>While the platform is down, probes it every <see cref="PlatformOptions.ProbeInterval"/> so that the portal
/// notices its return within seconds instead of waiting for the circuit breaker's break to end.</summary>
internal sealed class PlatformRecoveryProbe(
    PlatformAvailability availability,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<PlatformRecoveryProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.ProbeInterval, time, stoppingToken);
                if (availability.IsDown) await availability.ProbeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Platform recovery probe failed unexpectedly; trying again");
            }
        }
    }
}
