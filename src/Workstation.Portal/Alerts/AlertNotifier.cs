using System.Collections.Concurrent;

namespace Workstation.Portal.Alerts;

/// <summary>In-process notifications to Blazor circuits (components never connect to their own hub).</summary>
public sealed class AlertNotifier
{
    /// <summary>An alert was created, re-routed, acknowledged or handled.</summary>
    public event Action<CriticalValueAlert>? AlertChanged;

    /// <summary>A result for a patient became ready or was revoked (patient id): badges refresh.</summary>
    public event Action<string>? ResultChanged;

    public void Publish(CriticalValueAlert alert) => AlertChanged?.Invoke(alert);

    public void PublishResult(string patientId) => ResultChanged?.Invoke(patientId);
}

/// <summary>Which doctors have the portal open (circuits and hub connections), for routing to someone who will see it.</summary>
public sealed class DoctorPresence
{
    private readonly ConcurrentDictionary<string, int> _online = new();

    public bool IsOnline(string doctorId) => _online.TryGetValue(doctorId, out var n) && n > 0;

    public IDisposable Enter(string doctorId)
    {
        _online.AddOrUpdate(doctorId, 1, (_, n) => n + 1);
        return new Leave(this, doctorId);
    }

    private sealed class Leave(DoctorPresence presence, string doctorId) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) presence._online.AddOrUpdate(doctorId, 0, (_, n) => Math.Max(0, n - 1));
        }
    }
}
