namespace Workstation.Portal.Alerts;

/// <summary>The alerts of the launched doctor in one circuit: critical values waiting to be shown one after another
/// (each once, however often it is replayed or changed), significant results gathered in a banner, result notices.
/// The component subscribes, shows the dialogs and renders; which alert comes next, and when a dialog must close because
/// the alert was handled elsewhere, is decided here (with <see cref="AlertRouting.Concerns"/>).</summary>
internal sealed class AlertCenterState(IDoctorAlerts lifecycle)
{
    private readonly Queue<CriticalValueAlert> _queue = new();
    private readonly HashSet<long> _seen = [];
    private readonly List<CriticalValueAlert> _significant = [];

    public string DoctorId { get; private set; } = "";

    public IReadOnlyList<CriticalValueAlert> Significant => _significant;

    public IReadOnlyList<ResultNotification> Unread { get; private set; } = [];

    /// <summary>The critical value whose dialog is open, or null.</summary>
    public long? Showing { get; private set; }

    /// <summary>Loads what is still open for <paramref name="doctorId"/> (on every (re)connect: the store is the truth).</summary>
    public async Task LoadAsync(string doctorId, CancellationToken cancellationToken)
    {
        Begin(doctorId);
        foreach (var alert in await lifecycle.OpenForAsync(doctorId, cancellationToken)) Apply(alert);
        Unread = await lifecycle.UnreadResultsAsync(doctorId, cancellationToken);
    }

    /// <summary>The doctor whose alerts these are (before any alert is applied).</summary>
    public void Begin(string doctorId) => DoctorId = doctorId;

    /// <summary>An alert arrived or changed. Returns true when the dialog showing it must close (handled elsewhere: the
    /// HIS page's overlay, another instance).</summary>
    public bool Apply(CriticalValueAlert alert)
    {
        if (alert.Status == AlertStatuses.Handled)
        {
            _significant.RemoveAll(a => a.Id == alert.Id);
            return Showing == alert.Id;
        }
        if (!AlertRouting.Concerns(alert, DoctorId)) return false;
        if (alert.Tier == AlertTiers.Significant)
        {
            _significant.RemoveAll(a => a.Id == alert.Id);
            _significant.Add(alert);
        }
        else if (_seen.Add(alert.Id))
        {
            _queue.Enqueue(alert); // each critical value shown once, however often it is replayed or re-routed
        }
        return false;
    }

    /// <summary>The next critical value to show, unless one is showing (one dialog at a time).</summary>
    public bool TryShowNext(out CriticalValueAlert alert)
    {
        alert = default!;
        if (Showing is not null || !_queue.TryDequeue(out var next)) return false;
        alert = next;
        Showing = next.Id;
        return true;
    }

    /// <summary>The dialog of <paramref name="alertId"/> closed.</summary>
    public void Closed(long alertId)
    {
        if (Showing == alertId) Showing = null;
    }

    /// <summary>The significant results to open now (the banner's button), taken off the banner.</summary>
    public IReadOnlyList<CriticalValueAlert> TakeSignificant()
    {
        var all = _significant.ToList();
        _significant.Clear();
        return all;
    }

    public async Task RefreshUnreadAsync(CancellationToken cancellationToken) =>
        Unread = await lifecycle.UnreadResultsAsync(DoctorId, cancellationToken);

    public async Task MarkReadAsync(CancellationToken cancellationToken)
    {
        await lifecycle.MarkReadAsync(DoctorId, Unread.Select(n => n.Id).ToList(), cancellationToken);
        Unread = [];
    }
}
