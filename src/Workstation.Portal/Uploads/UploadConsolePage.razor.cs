using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Workstation.Portal.Accounts;
using Workstation.Portal.Notifications;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Uploads;

/// <summary>The lab console: the upload queue by state, approval in bulk with live progress, retry, revoke.</summary>
public partial class UploadConsolePage
{
    public const string Roles = PortalRoles.LabStaff + "," + PortalRoles.Admin;

    private readonly HashSet<string> _selected = [];
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<UploadRow> _rows = [];
    private Dictionary<string, int> _counts = [];
    private string? _status;
    private UploadRow? _detail;
    private string? _preview;
    private BatchProgress? _batch;
    private bool _busy;
    private IDisposable? _subscription;
    private DateTime _lastReload;
    private string _actor = "";

    [Inject] private UploadService Uploads { get; set; } = default!;
    [Inject] private Notifier<OutboxChange> Changes { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Auth { get; set; } = default!;

    private string? _kind;
    private string? _department;
    private DateTime? _since;

    private IEnumerable<UploadRow> Visible => _rows
        .Where(r => _status is null || r.Status == _status)
        .Where(r => _kind is null || r.Kind == _kind)
        .Where(r => _department is null || r.DepartmentCode == _department)
        .Where(r => _since is null || r.ApprovedAt >= _since.Value.ToUniversalTime());

    private int SelectedAwaiting => _rows.Count(r => r.Status == UploadStatuses.Awaiting && _selected.Contains(r.ReportNumber));

    protected override async Task OnInitializedAsync()
    {
        _actor = await ActorAsync();
        await ReloadAsync();
        _subscription = Changes.Subscribe(OnChange);
    }

    private async Task ReloadAsync()
    {
        _rows = await Uploads.ListAsync(null, _stop.Token);
        _counts = _rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        if (_detail is not null) _detail = _rows.FirstOrDefault(r => r.ReportNumber == _detail.ReportNumber);
        _lastReload = DateTime.UtcNow;
    }

    private void OnChange(OutboxChange change)
    {
        if (change.OrderingKey is not { } key || !key.StartsWith("report:", StringComparison.Ordinal)) return;
        _ = InvokeAsync(async () =>
        {
            _batch?.Apply(change);
            if (DateTime.UtcNow - _lastReload > TimeSpan.FromMilliseconds(400) || _batch?.Finished == true) await ReloadAsync();
            StateHasChanged();
        });
    }

    private async Task FilterAsync(string? status)
    {
        _status = status;
        await ReloadAsync();
    }

    private void Toggle(string reportNumber)
    {
        if (!_selected.Remove(reportNumber)) _selected.Add(reportNumber);
    }

    private void Select(UploadRow row)
    {
        _detail = row;
        _preview = UploadsRegistration.PageUrl(row.ReportNumber, 1);
    }

    private async Task ApproveSelectedAsync()
    {
        _busy = true;
        var rows = _rows.Where(r => r.Status == UploadStatuses.Awaiting && _selected.Contains(r.ReportNumber)).ToList();
        _batch = new BatchProgress(rows.Select(r => "report:" + r.ReportNumber), messagesPerReport: 3);
        await Uploads.ApproveAsync(rows.Select(r => r.Id).ToList(), await ActorAsync(), _stop.Token);
        _selected.Clear();
        await ReloadAsync();
        _busy = false;
    }

    private async Task RetryAsync(UploadRow row)
    {
        await Uploads.RetryAsync(row.ReportNumber, await ActorAsync(), _stop.Token);
        await ReloadAsync();
    }

    private async Task RevokeAsync((UploadRow Row, string Reason) request)
    {
        await Uploads.RevokeAsync(request.Row.ReportNumber, request.Reason, await ActorAsync(), _stop.Token);
        await ReloadAsync();
    }

    private async Task<string> ActorAsync() => (await Auth).User.FindFirstValue(ClaimTypes.Name) ?? "?";

    internal static Color ColorOf(string status) => status switch
    {
        UploadStatuses.Uploaded or UploadStatuses.Revoked => Color.Success,
        UploadStatuses.Failed or UploadStatuses.Held => Color.Error,
        UploadStatuses.Retrying or UploadStatuses.Awaiting => Color.Warning,
        _ => Color.Default,
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _stop.Cancel();
        _stop.Dispose();
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

    public void Apply(OutboxChange change)
    {
        if (change.OrderingKey is null || !_keys.Contains(change.OrderingKey)) return;
        if (change.State == OutboxStates.Delivered) _done.Add(change.Id);
        else if (change.State == OutboxStates.Dead) _failed.Add(change.Id);
    }
}
