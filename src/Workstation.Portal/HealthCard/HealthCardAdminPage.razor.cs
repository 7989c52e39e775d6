using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.HealthCard;

/// <summary>Administrators see the blacklist the front-end system checks against (version, size, last sync and error),
/// the usage-log upload, card use by day and scene, and the latest refusals.</summary>
public partial class HealthCardAdminPage
{
    private bool _syncing;

    [Inject] private Blacklist Blacklist { get; set; } = null!;

    [Inject] private Localization.LocalTime Local { get; set; } = null!;

    [Inject] private BlacklistSync Sync { get; set; } = null!;

    [Inject] private HealthCardStatistics Statistics { get; set; } = null!;

    [Inject] private IOptionsMonitor<HealthCardOptions> Options { get; set; } = null!;

    [Inject] private TimeProvider Clock { get; set; } = null!;

    private BlacklistStatus Status { get; set; } = null!;

    private UsageUploadStatus Upload { get; set; } = new(0, 0, 0, 0, 0);

    private IReadOnlyList<SceneDayUsage> Usage { get; set; } = [];

    private IReadOnlyList<CardRefusal> Refusals { get; set; } = [];

    private bool Stale => Status.LastSyncAt is not { } at || Clock.GetUtcNow().UtcDateTime - at > Options.CurrentValue.MaxBlacklistAge;

    protected override async Task OnInitializedAsync()
    {
        Status = Blacklist.Status;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        Status = Blacklist.Status;
        Upload = await Statistics.UploadStatusAsync(CancellationToken.None);
        Usage = await Statistics.UsageByDayAndSceneAsync(7, CancellationToken.None);
        Refusals = await Statistics.RecentRefusalsAsync(50, CancellationToken.None);
    }

    private async Task SyncNowAsync()
    {
        _syncing = true;
        try
        {
            await Sync.SyncOnceAsync(CancellationToken.None);
            await LoadAsync();
        }
        finally
        {
            _syncing = false;
        }
    }

    private string SceneName(string code) => L["HealthCard.Scene." + code] is { ResourceNotFound: false } s ? s.Value : code;

    /// <summary>Stored as "scope:reason" (provincial:挂失).</summary>
    private string Reason(string? stored) => stored?.Split(':', 2) is [var scope, var reason]
        ? $"{L["HealthCard.Scope." + scope].Value} · {reason}"
        : stored ?? "—";

    private string Time(DateTime? utc) => Local.Format(utc, "yyyy-MM-dd HH:mm:ss");
}
