using System.Collections.Concurrent;
using Workstation.Portal.Notifications;

namespace Workstation.Portal.Alerts;

/// <summary>In-process notifications to Blazor circuits (components never connect to their own hub). Each kind of event
/// is a <see cref="Notifier{T}"/> of its own: a subscription ends when it is disposed, and a failing listener does not
/// stop the others.</summary>
public sealed class AlertNotifier(ILoggerFactory loggers)
{
    private readonly Notifier<CriticalValueAlert> _alerts = new(loggers.CreateLogger<Notifier<CriticalValueAlert>>());
    private readonly Notifier<string> _results = new(loggers.CreateLogger<Notifier<string>>());

    /// <summary>Runs <paramref name="listener"/> whenever an alert is created, re-routed, acknowledged or handled,
    /// until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action<CriticalValueAlert> listener) => _alerts.Subscribe(listener);

    /// <summary>Runs <paramref name="listener"/> with the patient id whenever a result for that patient becomes ready
    /// or is revoked (badges refresh), until the returned subscription is disposed.</summary>
    public IDisposable SubscribeResults(Action<string> listener) => _results.Subscribe(listener);

    public void Publish(CriticalValueAlert alert) => _alerts.Publish(alert);

    public void PublishResult(string patientId) => _results.Publish(patientId);
}

