using Microsoft.AspNetCore.SignalR;

namespace Workstation.Portal.Alerts;

/// <summary>Pushes alert changes to external clients on the hub (the embed script in HIS pages, other apps).</summary>
internal sealed class AlertHubBridge(AlertNotifier notifier, IHubContext<AlertHub> hub, ILogger<AlertHubBridge> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Every alert, raised on this instance or heard from another through Redis: each instance serves its own
        // connections (hub groups are local). Redis down: this instance's own alerts still reach its connections.
        _subscription = notifier.Subscribe(OnAlert);
        return Task.CompletedTask;
    }

    private void OnAlert(CriticalValueAlert alert)
    {
        var message = AlertMessage.From(alert);
        _ = SendAsync(AlertHub.DoctorGroup(alert.AccountableDoctorId), "alert", message);
        _ = SendAsync(AlertHub.EncounterGroup(alert.EncounterId), "alert-awareness", message);
    }

    private async Task SendAsync(string group, string method, AlertMessage message)
    {
        try
        {
            await hub.Clients.Group(group).SendAsync(method, message);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Alert {Alert} not sent to hub group {Group}: {Error}", message.Id, group, ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
