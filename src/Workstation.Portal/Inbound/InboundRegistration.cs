using Microsoft.Extensions.DependencyInjection.Extensions;
using Workstation.Portal.Notifications;

namespace Workstation.Portal.Inbound;

/// <summary>Signed webhooks from LIS, PACS and HIS register themselves; Hosting calls <see cref="AddInbound"/> and
/// <see cref="MapInbound"/>.</summary>
internal static class InboundRegistration
{
    /// <summary>The sources and their secrets (section <c>Webhooks</c>), the event log and the stored-event notice.
    /// Features that act on event types register an <see cref="IInboundEventHandler"/>.</summary>
    public static IServiceCollection AddInbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Notifier<InboundEventStored>>();
        services.AddSingleton<InboundEventLog>();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", InboundOpenApi.Configure);
        return services;
    }

    /// <summary><c>POST /api/v1/webhooks/{source}</c>.</summary>
    public static IEndpointRouteBuilder MapInbound(this IEndpointRouteBuilder app) => app.MapWebhookEndpoints();
}
