using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>Delivers outbox messages at least once, with exponential backoff; survives restarts (state in the database).</summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IOptionsMonitor<AlertsOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Timers.RunEveryAsync(() => options.CurrentValue.TimerInterval, RunOnceAsync, logger, time, stoppingToken);

    /// <summary>Attempts every due message once; returns how many were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var lis = scope.ServiceProvider.GetRequiredService<ILisApi>();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.Outbox.Where(m => m.DeliveredAt == null && m.NextAttemptAt <= now).OrderBy(m => m.CreatedAt).Take(50).ToListAsync(cancellationToken);
        var delivered = 0;
        foreach (var message in due)
        {
            message.Attempts++;
            try
            {
                await lis.PostHandlingAsync(JsonSerializer.Deserialize<LisHandling>(message.PayloadJson, JsonSerializerOptions.Web)!, cancellationToken);
                message.DeliveredAt = time.GetUtcNow().UtcDateTime;
                message.LastError = null;
                db.AlertSteps.Add(new AlertStep
                {
                    AlertId = long.Parse(message.Id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture),
                    At = message.DeliveredAt.Value, Kind = "delivered", To = message.Destination, Detail = $"attempt {message.Attempts}",
                });
                delivered++;
            }
            catch (Exception ex) when (ex is Refit.ApiException or HttpRequestException or TaskCanceledException or Refit.ApiRequestException)
            {
                message.NextAttemptAt = now + Backoff(message.Attempts);
                message.LastError = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
                logger.LogWarning("Outbox message {Id} to {Destination} failed (attempt {Attempts}): {Error}", message.Id, message.Destination, message.Attempts, message.LastError);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return delivered;
    }
}

/// <summary>Fires escalation timers stored with the alerts.</summary>
public sealed class EscalationWorker(AlertService alerts, IOptionsMonitor<AlertsOptions> options, TimeProvider time, ILogger<EscalationWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Timers.RunEveryAsync(() => options.CurrentValue.TimerInterval, alerts.EscalateDueAsync, logger, time, stoppingToken);
}

/// <summary>Pushes alert changes to external clients on the hub (the embed script in HIS pages, other apps).</summary>
public sealed class AlertHubBridge(AlertNotifier notifier, IHubContext<AlertHub> hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        notifier.AlertChanged += OnAlert;
        return Task.CompletedTask;
    }

    private void OnAlert(CriticalValueAlert alert)
    {
        var message = AlertMessage.From(alert);
        _ = hub.Clients.Group(AlertHub.DoctorGroup(alert.AccountableDoctorId)).SendAsync("alert", message);
        _ = hub.Clients.Group(AlertHub.EncounterGroup(alert.EncounterId)).SendAsync("alert-awareness", message);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        notifier.AlertChanged -= OnAlert;
        return Task.CompletedTask;
    }
}

internal static class Timers
{
    public static async Task RunEveryAsync(Func<TimeSpan> interval, Func<CancellationToken, Task<int>> work, ILogger logger, TimeProvider time,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval(), time, stoppingToken);
                await work(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Background pass failed; will try again");
            }
        }
    }
}
