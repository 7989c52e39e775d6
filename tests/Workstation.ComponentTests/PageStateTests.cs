using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Portal.Embed;
using Workstation.Portal.HisPage;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;

namespace Workstation.ComponentTests;

/// <summary>The workflows of the pages HIS opens (the embedded badge page, the decide overlay), with the messages the HIS
/// page is sent, over bUnit's JS runtime.</summary>
public sealed class PageStateTests : PortalTestContext
{
    private const string Bridge = "/js/portal-bridge.js?v=2";
    private static readonly LaunchContext Zhang = new("test-his", "D001", "王医生", "NK", "心血管内科", "P1001",
        new PatientIdentity("01", "110101199003071232", "张伟"), "E1", CareSettings.Outpatient);

    private readonly BunitJSModuleInterop _bridge;

    public PageStateTests()
    {
        _bridge = JSInterop.SetupModule(Bridge);
        _bridge.SetupVoid("post", _ => true).SetVoidResult();
    }

    private HisBridge His() => new(Services.GetRequiredService<Microsoft.JSInterop.IJSRuntime>(), NullLogger<HisBridge>.Instance) { Origins = "http://his" };

    private IReadOnlyList<(string Type, string Json)> Posted() =>
        _bridge.Invocations["post"].Select(i => ((string)i.Arguments[0]!, (string)i.Arguments[1]!)).ToList();

    [Fact]
    public async Task An_amber_badge_asks_again_after_ten_seconds_and_a_green_one_each_minute_and_HIS_hears_each_change()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sources = new FakeSources { Badges = new Queue<BadgeState>([NotChecked(), Available(2), Available(2), Available(3)]) };
        using var state = new EmbedPageState(sources, His(), clock);

        await state.StartAsync(Zhang, "session-1", work => work());
        Assert.Equal(BadgeStatus.NotChecked, state.Badge.Status);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, sources.Loads);
        clock.Advance(TimeSpan.FromSeconds(1));                 // 10 s: asks again
        await Eventually.UntilAsync(() => sources.Loads == 2, "the retry", cancellationToken: Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(2, state.Badge.Count);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, sources.Loads);                          // green: not before a minute
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => sources.Loads == 3, "the minute's refresh", cancellationToken: Xunit.TestContext.Current.CancellationToken);

        Assert.Equal([("ws:badge", "{\"status\":\"notchecked\",\"count\":0}"), ("ws:ready", "{\"session\":\"session-1\",\"status\":\"notchecked\",\"count\":0}"),
            ("ws:badge", "{\"status\":\"available\",\"count\":2}")], Posted()); // the unchanged refresh told HIS nothing
    }

    [Fact]
    public async Task A_report_link_opens_that_report_at_once_and_back_shows_the_list_audited_once()
    {
        var report = Outcome("c", decided: false).Lines[0].Reports[0];
        var sources = new FakeSources { Badges = new Queue<BadgeState>([Available(1) with { Items = [report] }]) };
        using var state = new EmbedPageState(sources, His(), new FakeTimeProvider());

        await state.StartAsync(Zhang, "s", work => work(), openReport: "R1");
        Assert.Equal(EmbedView.Report, state.View);
        Assert.Equal("R1", state.ReportId);
        Assert.Empty(sources.Viewed);

        state.BackToList();                                       // never listed on this page: the list is shown and audited
        Assert.Equal(EmbedView.List, state.View);
        Assert.Equal([1], sources.Viewed);
        state.OpenReport("R1");
        state.BackToList();                                       // listed already: not audited again
        Assert.Equal([1], sources.Viewed);
    }

    [Fact]
    public async Task A_late_duplicate_of_this_encounter_asks_for_a_decision_and_one_of_another_encounter_is_ignored()
    {
        var sources = new FakeSources { Badges = new Queue<BadgeState>([Available(1)]) };
        sources.Checks["check-7"] = Outcome("check-7", decided: false);
        using var state = new EmbedPageState(sources, His(), new FakeTimeProvider());
        await state.StartAsync(Zhang, "s", work => work());

        sources.Raise(new RecheckedOrder("test-his", "E-OTHER", "check-7", LateDuplicates: true));
        Assert.Null(state.LateCheck);
        sources.Raise(new RecheckedOrder("test-his", "E1", "check-7", LateDuplicates: true));
        await Eventually.UntilAsync(() => state.LateCheck is not null, "the late duplicate", cancellationToken: Xunit.TestContext.Current.CancellationToken);

        sources.Checks["check-7"] = Outcome("check-7", decided: true);
        OrderCheckOutcome? shown = null;
        await state.DecideLateAsync((_, check) => { shown = check; return Task.CompletedTask; });
        Assert.Equal("check-7", shown!.CheckId);
        Assert.Null(state.LateCheck);
        Assert.Equal(["duplicates", "decided"], Posted().Where(p => p.Type == "ws:rechecked")
            .Select(p => System.Text.Json.JsonDocument.Parse(p.Json).RootElement.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_notice_read_before_the_decision_but_finished_after_it_does_not_undo_what_HIS_was_told()
    {
        var sources = new FakeSources { Badges = new Queue<BadgeState>([Available(1)]) };
        sources.Checks["check-7"] = Outcome("check-7", decided: false);
        using var state = new EmbedPageState(sources, His(), new FakeTimeProvider());
        await state.StartAsync(Zhang, "s", work => work());
        sources.Raise(new RecheckedOrder("test-his", "E1", "check-7", LateDuplicates: true));
        await Eventually.UntilAsync(() => state.LateCheck is not null, "the late duplicate", cancellationToken: Xunit.TestContext.Current.CancellationToken);

        var gate = new TaskCompletionSource();
        sources.Gate = gate;                                      // a second notice: its read is slow
        sources.Raise(new RecheckedOrder("test-his", "E1", "check-7", LateDuplicates: true));
        sources.Checks["check-7"] = Outcome("check-7", decided: true);
        await state.DecideLateAsync((_, _) => Task.CompletedTask);
        gate.SetResult();                                         // the stale read (undecided) ends after the decision

        await Eventually.UntilAsync(() => !sources.GateHeld, "the stale read to end", cancellationToken: Xunit.TestContext.Current.CancellationToken);
        Assert.Null(state.LateCheck);
        Assert.Equal(["duplicates", "decided"], Posted().Where(p => p.Type == "ws:rechecked")
            .Select(p => System.Text.Json.JsonDocument.Parse(p.Json).RootElement.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task The_decide_page_forces_the_decision_then_tells_HIS_every_line_once_however_often_it_is_started()
    {
        var checks = new FakeChecks();
        checks.Stored["c1"] = Outcome("c1", decided: true);
        var state = new DecidePageState(new FakeSession(Zhang), checks, His(), Microsoft.Extensions.Logging.Abstractions.NullLogger<DecidePageState>.Instance);
        var steps = new List<DecideStep>();
        var decided = 0;
        Task Decide(LaunchContext _, OrderCheckOutcome __)
        {
            decided++;
            return Task.CompletedTask;
        }
        var request = new DecidePageState.Request("s", null, "D-1", CheckStages.Add, "[{\"lineId\":\"1\",\"itemCode\":\"L001\"}]", "req-1");

        await Task.WhenAll(state.RunAsync(request, Decide, () => steps.Add(state.Step)), state.RunAsync(request, Decide, () => steps.Add(state.Step)));

        Assert.Equal(1, decided);
        Assert.Equal([DecideStep.Deciding, DecideStep.Decided], steps);
        var result = Posted().Where(p => p.Type != "ws:decision-required").Single();
        Assert.Equal("ws:check-result", result.Type);
        using var json = System.Text.Json.JsonDocument.Parse(result.Json);
        Assert.Equal(("req-1", "decided", "L001"), (json.RootElement.GetProperty("request").GetString(), json.RootElement.GetProperty("status").GetString(),
            json.RootElement.GetProperty("lines")[0].GetProperty("itemCode").GetString()));
    }

    [Theory]
    [InlineData(null, "[{\"lineId\":\"1\",\"itemCode\":\"L001\"}]", DecideStep.Expired, "SessionExpired")]
    [InlineData("s", "not json", DecideStep.Invalid, "InvalidOrder")]
    public async Task An_expired_session_or_an_unreadable_order_is_said_on_the_page_and_HIS_proceeds_as_not_checked(
        string? token, string items, DecideStep step, string reason)
    {
        var state = new DecidePageState(new FakeSession(token is null ? null : Zhang), new FakeChecks(), His(), Microsoft.Extensions.Logging.Abstractions.NullLogger<DecidePageState>.Instance);

        await state.RunAsync(new DecidePageState.Request(token, null, "D-1", CheckStages.Add, items, "r"), (_, _) => Task.CompletedTask, () => { });

        Assert.Equal(step, state.Step);
        using var json = System.Text.Json.JsonDocument.Parse(Posted().Single().Json);
        Assert.Equal(("not-checked", reason), (json.RootElement.GetProperty("status").GetString(), json.RootElement.GetProperty("reason").GetString()));
    }

    private static BadgeState NotChecked() => new(BadgeStatus.NotChecked, 0, [], null, PlatformFailure.Unavailable, null);

    private static BadgeState Available(int count) => new(BadgeStatus.Available, count, [], null, null, DateTimeOffset.UtcNow);

    private static OrderCheckOutcome Outcome(string checkId, bool decided)
    {
        var report = new RecognisableReport("R1", "lab", "L001", "血常规", "441300-001", "惠州市中心人民医院", DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(6), true, "HR", "正常");
        DecisionSummary? decision = decided ? new DecisionSummary("1", "L001", "R1", "recognise", [], null, "dt_1", DateTime.UtcNow, "retained") : null;
        return new OrderCheckOutcome(checkId, "D-1", CheckStages.Add, OrderCheckStatus.Duplicates, null,
            [new LineCheck("1", "L001", "血常规", true, [report], decision)], DateTime.UtcNow);
    }

    private sealed class FakeSources : IEmbedSources
    {
        private Action<RecheckedOrder>? _rechecked;

        public Queue<BadgeState> Badges { get; init; } = new();

        public Dictionary<string, OrderCheckOutcome> Checks { get; } = [];

        public int Loads { get; private set; }

        public void Raise(RecheckedOrder order) => _rechecked?.Invoke(order);

        public Task<BadgeState> LoadBadgeAsync(LaunchContext context, CancellationToken cancellationToken)
        {
            Loads++;
            return Task.FromResult(Badges.Count > 1 ? Badges.Dequeue() : Badges.Peek());
        }

        /// <summary>When set, the next check read returns what was stored when it started, only once the gate opens.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public bool GateHeld { get; private set; }

        public async Task<OrderCheckOutcome?> LoadCheckAsync(LaunchContext context, string checkId, CancellationToken cancellationToken)
        {
            var stored = Checks.GetValueOrDefault(checkId);
            if (Gate is { } gate)
            {
                Gate = null;
                GateHeld = true;
                await gate.Task;
                GateHeld = false;
            }
            return stored;
        }

        public bool PlatformDown => false;

        public Task ProbePlatformAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public IDisposable OnPlatformRecovered(Action recovered) => new Nothing();

        public List<int> Viewed { get; } = [];

        public void ListViewed(LaunchContext context, IReadOnlyCollection<RecognisableReport> reports) => Viewed.Add(reports.Count);

        public IDisposable OnRechecked(Action<RecheckedOrder> rechecked)
        {
            _rechecked = rechecked;
            return new Nothing();
        }
    }

    private sealed class FakeChecks : IOrderChecks
    {
        public Dictionary<string, OrderCheckOutcome> Stored { get; } = [];

        public Task<OrderCheckOutcome?> LoadAsync(LaunchContext context, string checkId, CancellationToken cancellationToken) =>
            Task.FromResult(Stored.GetValueOrDefault(checkId));

        public Task<OrderCheckOutcome> CheckAsync(LaunchContext context, string draftOrderId, string stage, IReadOnlyList<OrderLine> lines,
            CancellationToken cancellationToken) => Task.FromResult(Outcome("c1", decided: false));
    }

    private sealed class FakeSession(LaunchContext? context) : ILaunchSession
    {
        public LaunchContext? Context => context;

        public Task<bool> ResumeAsync(string? token, CancellationToken cancellationToken) => Task.FromResult(context is not null && token is not null);
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
