using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Presence;

/// <summary>Doctor presence across instances (section <c>Presence</c>).</summary>
internal sealed class PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>How long a published presence lasts without renewal; renewed every third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(45);
}

/// <summary>Renews this instance's presence rows every third of <see cref="PresenceOptions.Ttl"/>.</summary>
internal sealed class PresenceHeartbeat(DoctorPresence presence, IOptionsMonitor<PresenceOptions> options, TimeProvider time,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    private readonly Background.WakeableLoop _loop = new(time);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loop.RunAsync(() => options.CurrentValue.Ttl / 3, _ => presence.RenewAsync(), logger, "Presence heartbeat", stoppingToken);
}

internal static class PresenceRegistration
{
    /// <summary>Doctor presence shared through the database, with expiry.</summary>
    public static IServiceCollection AddPresence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PresenceOptions>().Bind(configuration.GetSection(PresenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DoctorPresence>();
        services.AddSingleton<Background.IPreviousRunClaims>(sp => sp.GetRequiredService<DoctorPresence>());
        services.AddHostedService<PresenceHeartbeat>();
        return services;
    }
}
