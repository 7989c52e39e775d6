using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Workstation.Portal.Operations;

/// <summary>The operations feature registers itself; Hosting calls <see cref="AddOperations"/> and writes the health
/// endpoints' responses.</summary>
internal static class OperationsRegistration
{
    /// <summary>The platform's status (shown to staff) and the readiness checks of the database and the platform.</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PlatformStatus>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, ["ready"])
            .AddCheck<PlatformHealthCheck>("platform", HealthStatus.Degraded, ["ready"]);
        return services;
    }
}
