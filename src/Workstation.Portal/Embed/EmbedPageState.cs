using Workstation.Platform;
using Workstation.Portal.HisPage;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;

namespace Workstation.Portal.Embed;

/// <summary>What the embedded page shows under the badge.</summary>
internal enum EmbedView
{
    Badge,
    List,
    Report,
}

/// <summary>What the embedded page reads and hears (the seam its tests use).</summary>
internal interface IEmbedSources
{
    Task<BadgeState> LoadBadgeAsync(LaunchContext context, CancellationToken cancellationToken);

    Task<OrderCheckOutcome?> LoadCheckAsync(LaunchContext context, string checkId, CancellationToken cancellationToken);

    bool PlatformDown { get; }

    Task ProbePlatformAsync(CancellationToken cancellationToken);

    IDisposable OnPlatformRecovered(Action recovered);

    IDisposable OnRechecked(Action<RecheckedOrder> rechecked);

    /// <summary>The doctor opened the list of recognisable reports (audited).</summary>
    void ListViewed(LaunchContext context, IReadOnlyCollection<Platform.Contract.RecognisableReport> reports);
}

/// <summary>The embedded page for one launch, as a state machine: the badge kept fresh (every 10 s while not checked,
/// at once when the platform is back, every minute otherwise), the list and report views, a late duplicate to decide,
/// and what the HIS page is told of each (<see cref="HisBridge"/>). The page renders it; <c>dispatch</c> runs every
/// change on the page's renderer.</summary>
internal sealed class EmbedPageState(IEmbedSources sources, HisBridge his, TimeProvider time) : IDisposable
{
    /// <summary>How soon an amber (not checked) badge asks again.</summary>
    public static readonly TimeSpan RetryNotChecked = TimeSpan.FromSeconds(10);

    /// <summary>How often a checked badge is refreshed (a new result elsewhere).</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _subscriptions = [];
    private Func<Func<Task>, Task> _dispatch = work => work();
    private bool _started;

    public LaunchContext? Context { get; private set; }

    public BadgeState Badge { get; private set; } = BadgeState.Checking;

    public EmbedView View { get; private set; } = EmbedView.Badge;

    public string? ReportId { get; private set; }

    /// <summary>An order checked as "not checked" that turned out to duplicate a result: the doctor decides.</summary>
    public OrderCheckOutcome? LateCheck { get; private set; }

    /// <summary>The badge's status as the HIS page names it.</summary>
    public string Status => Badge.Status.ToString().ToLowerInvariant();

    /// <summary>Raised (on the renderer) when something the page shows changed.</summary>
    public event Action? Changed;

    /// <summary>Starts once the page has a launch: listens for late duplicates and the platform's return, loads the
    /// badge, tells HIS the page is ready, and keeps the badge fresh. <paramref name="openReport"/> opens that report
    /// at once (a CDS Hooks card's report link); the report view checks it is one of the patient's.</summary>
    public async Task StartAsync(LaunchContext context, string? sessionToken, Func<Func<Task>, Task> dispatch, string? openReport = null)
    {
        if (_started) return;
        _started = true;
        (Context, _dispatch) = (context, dispatch);
        _subscriptions.Add(sources.OnRechecked(order => _ = _dispatch(() => OnRecheckedAsync(order))));
        // The platform is back: an amber badge re-checks at once rather than at its next retry.
        _subscriptions.Add(sources.OnPlatformRecovered(() =>
        {
            if (Badge.Status == BadgeStatus.NotChecked) _ = _dispatch(RefreshAsync);
        }));
        if (!string.IsNullOrWhiteSpace(openReport)) OpenReport(openReport);
        await RefreshAsync();
        await his.ReadyAsync(sessionToken, Status, Badge.Count);
        _ = KeepFreshAsync();
    }

    public async Task RefreshAsync()
    {
        if (_stop.IsCancellationRequested || Context is null) return;
        var previous = Badge;
        Badge = await sources.LoadBadgeAsync(Context, _stop.Token);
        Changed?.Invoke();
        if (previous.Status != Badge.Status || previous.Count != Badge.Count) await his.BadgeAsync(Status, Badge.Count);
    }

    /// <summary>A click on the amber badge: ask the platform directly (past the circuit breaker), then check again.</summary>
    public async Task RetryNowAsync()
    {
        if (sources.PlatformDown) await sources.ProbePlatformAsync(_stop.Token);
        await RefreshAsync();
    }

    public void OpenList()
    {
        View = EmbedView.List;
        if (Context is not null && Badge.Items.Count > 0) sources.ListViewed(Context, Badge.Items);
        _listed = true;
    }

    private bool _listed;

    public void OpenReport(string reportId) => (ReportId, View) = (reportId, EmbedView.Report);

    /// <summary>Back from a report: the list (audited as shown when the page opened straight on the report).</summary>
    public void BackToList()
    {
        if (_listed) View = EmbedView.List;
        else OpenList();
    }

    public void CloseList() => View = EmbedView.Badge;

    /// <summary>Shows the late duplicate's decision dialog (<paramref name="decide"/>), then tells HIS what was decided.</summary>
    public async Task DecideLateAsync(Func<LaunchContext, OrderCheckOutcome, Task> decide)
    {
        if (LateCheck is not { } check || Context is null) return;
        await decide(Context, check);
        LateCheck = null;
        var turn = NextTurn(check.CheckId);
        if (await sources.LoadCheckAsync(Context, check.CheckId, _stop.Token) is { } decided && IsLatest(check.CheckId, turn))
            await his.RecheckedAsync(HisLines.Rechecked(decided));
        Changed?.Invoke();
    }

    private async Task OnRecheckedAsync(RecheckedOrder order)
    {
        if (Context is null || order.ClientId != Context.ClientId || order.EncounterId != Context.EncounterId) return;
        var turn = NextTurn(order.CheckId);
        // A notice read before the doctor decided must not overwrite what HIS was told after (the reads interleave).
        if (await sources.LoadCheckAsync(Context, order.CheckId, _stop.Token) is not { } check || !IsLatest(order.CheckId, turn)) return;
        if (check.Undecided.Any()) LateCheck = check;
        Changed?.Invoke();
        await his.RecheckedAsync(HisLines.Rechecked(check));
    }

    // Each read of a check for HIS takes a turn; only the latest turn's result is told (stale reads are dropped).
    private readonly Dictionary<string, int> _turns = [];

    private int NextTurn(string checkId) => _turns[checkId] = _turns.GetValueOrDefault(checkId) + 1;

    private bool IsLatest(string checkId, int turn) => _turns.GetValueOrDefault(checkId) == turn;

    private async Task KeepFreshAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Badge.Status == BadgeStatus.NotChecked ? RetryNotChecked : Refresh, time, _stop.Token);
                await _dispatch(RefreshAsync);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }
}

/// <summary>The page's sources in production: the badge, the stored checks, the platform's availability, re-check notices.</summary>
internal sealed class EmbedSources(RecognitionService recognition, OrderCheckService checks, PlatformAvailability availability,
    RecheckNotifier rechecks, ReportViews views) : IEmbedSources
{
    public void ListViewed(LaunchContext context, IReadOnlyCollection<Platform.Contract.RecognisableReport> reports) => views.ListViewed(context, reports);

    public Task<BadgeState> LoadBadgeAsync(LaunchContext context, CancellationToken cancellationToken) => recognition.LoadBadgeAsync(context, cancellationToken);

    public Task<OrderCheckOutcome?> LoadCheckAsync(LaunchContext context, string checkId, CancellationToken cancellationToken) =>
        checks.LoadAsync(context, checkId, cancellationToken);

    public bool PlatformDown => availability.IsDown;

    public Task ProbePlatformAsync(CancellationToken cancellationToken) => availability.ProbeAsync(cancellationToken);

    public IDisposable OnPlatformRecovered(Action recovered) => availability.Subscribe(recovered);

    public IDisposable OnRechecked(Action<RecheckedOrder> rechecked) => rechecks.Subscribe(rechecked);
}
