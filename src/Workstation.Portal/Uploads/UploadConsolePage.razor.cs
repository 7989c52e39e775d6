using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Workstation.Portal.Accounts;
using Workstation.Portal.Notifications;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Uploads;

/// <summary>The lab console: renders <see cref="UploadConsoleState"/> and forwards clicks and outbox changes to it.</summary>
public partial class UploadConsolePage
{
    public const string Roles = PortalRoles.LabStaff + "," + PortalRoles.Admin;

    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private string _actor = "";
    private string? _preview;

    [Inject] private UploadConsoleState State { get; set; } = default!;
    [Inject] private Notifier<OutboxChange> Changes { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> Auth { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await Auth).User.FindFirstValue(ClaimTypes.Name) ?? "?";
        await State.LoadAsync(_stop.Token);
        _subscription = Changes.Subscribe(change => _ = InvokeAsync(async () =>
        {
            if (await State.ApplyAsync(change, _stop.Token)) StateHasChanged();
        }));
    }

    private async Task FilterAsync(string? status)
    {
        State.Status = status;
        await State.LoadAsync(_stop.Token);
    }

    private void Select(UploadRow row)
    {
        State.Show(row);
        _preview = UploadsRegistration.PageUrl(row.ReportNumber, 1);
    }

    private Task ApproveSelectedAsync() => State.ApproveSelectedAsync(_actor, _stop.Token);

    private Task RetryAsync(UploadRow row) => State.RetryAsync(row, _actor, _stop.Token);

    private Task RevokeAsync((UploadRow Row, string Reason) request) => State.RevokeAsync(request.Row, request.Reason, _actor, _stop.Token);

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
