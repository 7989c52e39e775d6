using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workstation.Platform;

namespace Workstation.Portal.Operations;

/// <summary>Last known reachability of the recognition platform.</summary>
internal sealed record PlatformStatusSnapshot(bool? Online, PlatformFailure? Failure, DateTimeOffset? CheckedAt, long? LatencyMs)
{
    public static readonly PlatformStatusSnapshot Unknown = new(null, null, null, null);
}

/// <summary>Probes the platform (token request: reachable and accepts our credentials) and remembers the answer for a
/// few seconds so that pages and the readiness probe do not hammer it.</summary>
internal sealed class PlatformStatus(IServiceScopeFactory scopes, TimeProvider time, ILogger<PlatformStatus> logger)
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public PlatformStatusSnapshot Last { get; private set; } = PlatformStatusSnapshot.Unknown;

    public async Task<PlatformStatusSnapshot> CheckAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && IsFresh(Last)) return Last;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!force && IsFresh(Last)) return Last;
            using var scope = scopes.CreateScope();
            var platform = scope.ServiceProvider.GetRequiredService<IRecognitionPlatform>();
            var started = Stopwatch.GetTimestamp();
            try
            {
                await platform.ProbeAsync(cancellationToken);
                Last = new PlatformStatusSnapshot(true, null, time.GetUtcNow(), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (PlatformException ex)
            {
                logger.LogWarning("Recognition platform probe failed: {Failure} {Message}", ex.Failure, ex.Message);
                Last = new PlatformStatusSnapshot(false, ex.Failure, time.GetUtcNow(), null);
            }
            return Last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool IsFresh(PlatformStatusSnapshot s) => s.CheckedAt is { } at && time.GetUtcNow() - at < FreshFor;
}

/// <summary>Readiness: the platform being down degrades the portal (doctors see "not checked") but does not stop it.</summary>
internal sealed class PlatformHealthCheck(PlatformStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = await status.CheckAsync(force: false, cancellationToken);
        return s.Online == true
            ? HealthCheckResult.Healthy($"platform answered in {s.LatencyMs} ms")
            : HealthCheckResult.Degraded($"platform unavailable: {s.Failure}");
    }
}

/// <summary>Readiness: the portal cannot record decisions without its database.</summary>
internal sealed class DatabaseHealthCheck(Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.PortalDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
