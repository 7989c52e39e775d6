using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Polly;
using Refit;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.HealthCard;

/// <summary>The resident health card feature (seed 004): the blacklist and its sync, verify, the usage logs and their
/// upload through the shared outbox, the health check and the admin page's statistics.</summary>
internal static class HealthCardRegistration
{
    public static IServiceCollection AddHealthCard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthCardOptions>().Bind(configuration.GetSection(HealthCardOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Blacklist>();
        services.AddSingleton<CardVerifier>();
        services.AddSingleton<BlacklistSync>();
        services.AddHostedService(sp => sp.GetRequiredService<BlacklistSync>());
        services.AddSingleton<CardUsageBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CardUsageBatcher>());
        services.AddTransient<IOutboxSender, CardSystemUsageSender>();
        services.AddTransient<HealthCardStatistics>();
        services.AddTransient<CardSystemKeyHandler>();
        services.AddHealthChecks().AddCheck<BlacklistHealthCheck>("health-card-blacklist", HealthStatus.Degraded, ["ready"]);
        services.AddRefitGeneratedClient<ICardSystemApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<HealthCardOptions>>().Value.CardSystemBaseUrl ?? new Uri("http://card-system.invalid/");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<CardSystemKeyHandler>()
            // The sync loop and the outbox retry on their own schedules; the client only bounds each call.
            .AddResilienceHandler("card-system", (b, context) =>
                b.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<HealthCardOptions>>().Value.CallTimeout));
        return services;
    }

    /// <summary>The feature's endpoints.</summary>
    public static IEndpointRouteBuilder MapHealthCard(this IEndpointRouteBuilder app) => app.MapHealthCardEndpoints();
}

/// <summary>Degraded when the blacklist is older than <see cref="HealthCardOptions.MaxBlacklistAge"/> (or was never
/// synced while a card system is configured).</summary>
internal sealed class BlacklistHealthCheck(Blacklist blacklist, IOptionsMonitor<HealthCardOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.CurrentValue;
        var s = blacklist.Status;
        if (o.CardSystemBaseUrl is null) return Task.FromResult(HealthCheckResult.Healthy("no card-management system configured"));
        if (s.LastSyncAt is not { } synced)
            return Task.FromResult(HealthCheckResult.Degraded($"blacklist never synced{(s.LastError is null ? "" : ": " + s.LastError)}"));
        var age = time.GetUtcNow().UtcDateTime - synced;
        return Task.FromResult(age > o.MaxBlacklistAge
            ? HealthCheckResult.Degraded($"blacklist version {s.Version} last synced {age.TotalMinutes:0} min ago (limit {o.MaxBlacklistAge.TotalMinutes:0}){(s.LastError is null ? "" : ": " + s.LastError)}")
            : HealthCheckResult.Healthy($"blacklist version {s.Version}, {s.Count} cards"));
    }
}
