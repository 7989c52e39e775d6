using Microsoft.Extensions.DependencyInjection.Extensions;
using Workstation.Portal.Background;
using Workstation.Portal.Notifications;

namespace Workstation.Portal.Outbox;

internal static class OutboxServiceCollectionExtensions
{
    /// <summary>The shared outbox: writer, dispatcher (a hosted service) and change notifications. Features register
    /// an <see cref="IOutboxSender"/> per destination.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Notifier<OutboxChange>>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<IPreviousRunClaims>(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
