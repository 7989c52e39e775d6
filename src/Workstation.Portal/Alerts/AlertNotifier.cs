using System.Collections.Concurrent;
using Workstation.Portal.Notifications;

namespace Workstation.Portal.Alerts;

/// <summary>Notifications to Blazor circuits (components never connect to their own hub), on this instance and — through
/// Redis pub/sub when configured — on the others. A subscription ends when it is disposed; a failing listener does not
/// stop the others.</summary>
internal sealed class AlertNotifier(IClusterBus bus, ILoggerFactory loggers) : IDisposable
{
    // Circuits on every instance hear every alert (Redis pub/sub when configured, see ClusterNotifier).
    private readonly ClusterNotifier<CriticalValueAlert> _alerts = new("workstation:alerts", bus, loggers);
    private readonly ClusterNotifier<string> _results = new("workstation:results", bus, loggers);

    /// <summary>Runs <paramref name="listener"/> whenever an alert is created, re-routed, acknowledged or handled,
    /// until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action<CriticalValueAlert> listener) => _alerts.Subscribe(listener);

    /// <summary>Runs <paramref name="listener"/> with the patient id whenever a result for that patient becomes ready
    /// or is revoked (badges refresh), until the returned subscription is disposed.</summary>
    public IDisposable SubscribeResults(Action<string> listener) => _results.Subscribe(listener);

    public void Publish(CriticalValueAlert alert) => _alerts.Publish(alert);

    public void PublishResult(string patientId) => _results.Publish(patientId);

    public void Dispose()
    {
        _alerts.Dispose();
        _results.Dispose();
    }
}

