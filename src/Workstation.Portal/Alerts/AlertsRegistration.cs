using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;
using Workstation.Portal.Hosting;
using Workstation.Portal.Inbound;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Alerts;

/// <summary>The critical-value alert feature registers itself; Hosting calls <see cref="AddAlerts"/> and
/// <see cref="MapAlerts"/>.</summary>
internal static class AlertsRegistration
{
    /// <summary>Alerts (section <c>Alerts</c>): their receipt from the signed webhooks (Inbound), routing, lifecycle and
    /// escalation, the LIS sender on the shared outbox, and the hub for external clients with its CORS policy.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<AlertRouting>();
        services.AddSingleton<IInboundEventHandler, AlertReceipt>();
        services.AddSingleton<IInboundEventHandler, ResultNoticeReceipt>();
        services.AddSingleton<AlertLifecycle>();
        services.AddSingleton<AlertEscalation>();
        services.AddSingleton<AlertQueries>();
        services.AddScoped<AlertCenterState>();
        services.AddTransient<CriticalAlertState>(); // one per dialog
        services.AddSingleton<IAlertActions>(sp => sp.GetRequiredService<AlertLifecycle>());
        services.AddSingleton<IDoctorAlerts>(sp => sp.GetRequiredService<AlertLifecycle>());
        services.AddTransient<IOutboxSender, LisHandlingSender>();
        services.AddHostedService<EscalationWorker>();
        services.AddHostedService<AlertHubBridge>();
        // HIS pages (other origins) connect to the hub through the embed script: CORS for exactly the configured origins.
        var hisOrigins = configuration.GetSection(HisOptions.Section).Get<HisOptions>()?.AllOrigins.ToArray() ?? [];
        services.AddCors(o => o.AddPolicy(AlertHub.CorsPolicy, p => p.WithOrigins(hisOrigins).AllowAnyHeader().WithMethods("GET", "POST")));
        // No SignalR Redis backplane: hub groups are local to each instance, and every instance hears every alert through
        // AlertNotifier (Redis pub/sub, one channel) and sends it to its own connections (AlertHubBridge). The backplane
        // would subscribe Redis channels per connection and group (Blazor circuits included) and route even local sends
        // through Redis: measured 4–10 ms more per alert at 5,000 connections, and no delivery at all while Redis is down.
        services.AddSignalR();
        services.AddRefitGeneratedClient<ILisApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<AlertsOptions>>().Value.LisBaseUrl
                                     ?? new Uri("http://lis.invalid/");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The outbox retries with backoff; the client only bounds each attempt.
            .AddResilienceHandler("lis", b => b.AddTimeout(TimeSpan.FromSeconds(5)));
        return services;
    }

    /// <summary>The alert hub (CORS for the HIS origins).</summary>
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapHub<AlertHub>("/hubs/alerts").RequireCors(AlertHub.CorsPolicy);
        return app;
    }
}
