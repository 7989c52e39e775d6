using Microsoft.AspNetCore.Components;
using MudBlazor;
using Workstation.Platform;
using Workstation.Portal.Components;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;

namespace Workstation.Portal.Embed;

/// <summary>The embedded portal for one launch: the badge, the list and report views, alerts, and late duplicates.</summary>
public partial class EmbedPage : IDisposable
{
    private enum View { Badge, List, Report }

    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _subscriptions = [];
    private LaunchContext? _context;
    private BadgeState _badge = BadgeState.Checking;
    private View _view = View.Badge;
    private string? _reportId;
    private OrderCheckOutcome? _lateCheck;

    [Inject] private DoctorSession Session { get; set; } = default!;
    [Inject] private RecognitionService Recognition { get; set; } = default!;
    [Inject] private OrderCheckService Checks { get; set; } = default!;
    [Inject] private RecheckNotifier Rechecks { get; set; } = default!;
    [Inject] private PlatformAvailability Availability { get; set; } = default!;
    [Inject] private DialogHost Dialogs { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "s")]
    private string? Token { get; set; }

    private string Status => _badge.Status.ToString().ToLowerInvariant();

    private bool _started;

    protected override async Task OnInitializedAsync()
    {
        if (Token is not null && await Session.ResumeAsync(Token, _stop.Token)) _context = Session.Context;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Not `firstRender`: when the session is not in this instance's memory (it was launched through another
        // instance, or this one restarted), OnInitializedAsync is still reading it from the database at the first
        // render, and the badge would never start. Start once, after the first render that has the context.
        if (_started || _context is null) return;
        _started = true;
        _subscriptions.Add(Rechecks.Subscribe(OnRechecked));
        // The platform is back: an amber badge re-checks at once rather than at its next retry.
        _subscriptions.Add(Availability.Subscribe(() =>
        {
            if (_badge.Status == BadgeStatus.NotChecked) _ = InvokeAsync(RefreshAsync);
        }));
        await RefreshAsync();
        await Session.PostToHisAsync("ws:ready", new { session = Token, status = Status, count = _badge.Count });
        _ = KeepFreshAsync();
    }

    private async Task RefreshAsync()
    {
        if (_stop.IsCancellationRequested) return;
        var previous = _badge;
        _badge = await Recognition.LoadBadgeAsync(_context!, _stop.Token);
        StateHasChanged();
        if (previous.Status != _badge.Status || previous.Count != _badge.Count)
            await Session.PostToHisAsync("ws:badge", new { status = Status, count = _badge.Count });
    }

    /// <summary>A click on the amber badge: ask the platform directly (past the circuit breaker), then check again.</summary>
    private async Task RetryNowAsync()
    {
        if (Availability.IsDown) await Availability.ProbeAsync(_stop.Token);
        await RefreshAsync();
    }

    // Not checked: retry every 10 s (and at once when the platform is back); otherwise refresh every minute.
    private async Task KeepFreshAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_badge.Status == BadgeStatus.NotChecked ? TimeSpan.FromSeconds(10) : TimeSpan.FromMinutes(1), _stop.Token);
                await InvokeAsync(RefreshAsync);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnRechecked(RecheckedOrder order)
    {
        if (_context is null || order.ClientId != _context.ClientId || order.EncounterId != _context.EncounterId) return;
        _ = InvokeAsync(async () =>
        {
            if (await Checks.LoadAsync(_context, order.CheckId, _stop.Token) is not { } check) return;
            if (check.Undecided.Any()) _lateCheck = check;
            StateHasChanged();
            await PostRecheckAsync(check);
        });
    }

    /// <summary>Tells HIS which lines of an order checked earlier as "not checked" duplicate a recognisable result (so it
    /// marks them as needing a decision) or are clear, and the decisions once made.</summary>
    private Task PostRecheckAsync(OrderCheckOutcome check) => Session.PostToHisAsync("ws:rechecked", new
    {
        checkId = check.CheckId,
        draftOrderId = check.DraftOrderId,
        stage = check.Stage,
        status = check.Undecided.Any() ? "duplicates" : check.Lines.Any(l => l.Duplicate) ? "decided" : "clear",
        lines = HisLineMessage.From(check),
    });

    private string LateText(OrderCheckOutcome check)
    {
        var items = string.Join("、", check.Undecided.Select(l => $"{l.ItemName}（{L["Late.Line", l.LineId]}）"));
        return check.Stage == CheckStages.Add
            ? L["Late.Draft", items, check.DraftOrderId]
            : L["Late.Saved", items, check.DraftOrderId];
    }

    private async Task DecideLateAsync()
    {
        if (_lateCheck is null || _context is null) return;
        var check = _lateCheck;
        await DecisionDialog.ShowAsync(Dialogs, _context, check, L["Decision.Title"]);
        _lateCheck = null;
        if (await Checks.LoadAsync(_context, check.CheckId, _stop.Token) is { } decided) await PostRecheckAsync(decided);
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }
}
