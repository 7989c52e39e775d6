using Workstation.Portal.Localization;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Uploads;

/// <summary>The lab console's state for one signed-in user: the queue, its filters, the reports picked for a bulk
/// approval, the detail shown, and the live progress of the last approval. The page renders it and forwards clicks and
/// outbox changes; every rule lives here (and is tested here), not in the component.</summary>
internal sealed class UploadConsoleState(IUploadStatusView view, IUploadCommands commands, LocalTime clock, TimeProvider time)
{
    /// <summary>How often at most the list is read again while outbox changes stream in (the progress moves with every
    /// change in between).</summary>
    public static readonly TimeSpan ReloadAtMost = TimeSpan.FromMilliseconds(400);

    private readonly HashSet<string> _selected = [];
    private DateTimeOffset _lastReload;

    public IReadOnlyList<UploadRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<string, int> Counts { get; private set; } = new Dictionary<string, int>();

    /// <summary>Filters: status (a count chip), kind, department, approved on or after a local day.</summary>
    public string? Status { get; set; }

    public string? Kind { get; set; }

    public string? Department { get; set; }

    public DateTime? Since { get; set; }

    public UploadRow? Detail { get; private set; }

    public BatchProgress? Batch { get; private set; }

    /// <summary>An approval is being saved.</summary>
    public bool Busy { get; private set; }

    public IReadOnlySet<string> Selected => _selected;

    /// <summary>The rows the filters let through, newest first.</summary>
    public IEnumerable<UploadRow> Visible => Rows
        .Where(r => Status is null || r.Status == Status)
        .Where(r => Kind is null || r.Kind == Kind)
        .Where(r => Department is null || r.DepartmentCode == Department)
        .Where(r => Since is null || r.ApprovedAt >= clock.StartOfDayUtc(Since.Value)); // a local day

    /// <summary>Visible rows that can be picked (waiting for approval).</summary>
    public IReadOnlyList<UploadRow> Selectable => Visible.Where(r => r.Status == UploadStatuses.Awaiting).ToList();

    /// <summary>Picked rows still waiting for approval (what the approve button would queue).</summary>
    public int SelectedAwaiting => Rows.Count(r => r.Status == UploadStatuses.Awaiting && _selected.Contains(r.ReportNumber));

    /// <summary>Every selectable visible row is picked (the header checkbox is ticked).</summary>
    public bool AllSelected => Selectable is { Count: > 0 } s && s.All(r => _selected.Contains(r.ReportNumber));

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rows = await view.ListAsync(null, cancellationToken);
        Counts = Rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        if (Detail is not null) Detail = Rows.FirstOrDefault(r => r.ReportNumber == Detail.ReportNumber);
        // What can no longer be approved (approved elsewhere, withdrawn) drops out of the selection.
        _selected.IntersectWith(Rows.Where(r => r.Status == UploadStatuses.Awaiting).Select(r => r.ReportNumber));
        _lastReload = time.GetUtcNow();
    }

    public void Toggle(string reportNumber)
    {
        if (!_selected.Remove(reportNumber)) _selected.Add(reportNumber);
    }

    /// <summary>Picks (or drops) every selectable row the filters let through; rows hidden by the filters keep their state.</summary>
    public void SelectAll(bool selected)
    {
        foreach (var row in Selectable)
        {
            if (selected) _selected.Add(row.ReportNumber);
            else _selected.Remove(row.ReportNumber);
        }
    }

    public void Show(UploadRow row) => Detail = row;

    /// <summary>Queues the picked reports; the progress then follows their messages one by one.</summary>
    public async Task ApproveSelectedAsync(string actor, CancellationToken cancellationToken)
    {
        if (Busy) return; // a double click
        var rows = Rows.Where(r => r.Status == UploadStatuses.Awaiting && _selected.Contains(r.ReportNumber)).ToList();
        if (rows.Count == 0) return;
        Busy = true;
        try
        {
            Batch = new BatchProgress(rows.Select(r => UploadMessages.ReportKey(r.ReportNumber)), messagesPerReport: 3);
            await commands.ApproveAsync(rows.Select(r => r.Id).ToList(), actor, cancellationToken);
            _selected.Clear();
            await LoadAsync(cancellationToken);
        }
        finally
        {
            Busy = false;
        }
    }

    public async Task RetryAsync(UploadRow row, string actor, CancellationToken cancellationToken)
    {
        await commands.RetryAsync(row.ReportNumber, actor, cancellationToken);
        await LoadAsync(cancellationToken);
    }

    public async Task RevokeAsync(UploadRow row, string reason, string actor, CancellationToken cancellationToken)
    {
        await commands.RevokeAsync(row.ReportNumber, reason, actor, cancellationToken);
        await LoadAsync(cancellationToken);
    }

    /// <summary>An outbox message changed. Returns whether the page should render again: the progress moves with every
    /// message of a report; the list is read again at most every <see cref="ReloadAtMost"/> and when the approval ends.</summary>
    public async Task<bool> ApplyAsync(OutboxChange change, CancellationToken cancellationToken)
    {
        if (!UploadMessages.IsReportKey(change.OrderingKey)) return false;
        var moved = Batch?.Apply(change) == true;
        if (time.GetUtcNow() - _lastReload > ReloadAtMost || (moved && Batch!.Finished))
        {
            await LoadAsync(cancellationToken);
            return true;
        }
        return moved;
    }
}

/// <summary>Progress of one bulk approval: its reports' messages delivered or dead-lettered so far.</summary>
internal sealed class BatchProgress(IEnumerable<string> keys, int messagesPerReport)
{
    private readonly HashSet<string> _keys = [.. keys];
    private readonly HashSet<string> _done = [];
    private readonly HashSet<string> _failed = [];

    public int Total => _keys.Count * messagesPerReport;

    public int Done => _done.Count;

    public int Failed => _failed.Count;

    public bool Finished => Done + Failed >= Total;

    public double Percent => Total == 0 ? 100 : 100.0 * (Done + Failed) / Total;

    /// <summary>Counts a delivered or dead-lettered message of this approval; returns whether anything moved.</summary>
    public bool Apply(OutboxChange change)
    {
        if (change.OrderingKey is null || !_keys.Contains(change.OrderingKey)) return false;
        return change.State switch
        {
            OutboxStates.Delivered => _done.Add(change.Id),
            OutboxStates.Dead => _failed.Add(change.Id),
            _ => false,
        };
    }
}
