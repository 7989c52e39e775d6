using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Workstation.Portal.Localization;
using Workstation.Portal.Notifications;
using Workstation.Portal.Outbox;
using Workstation.Portal.Uploads;

namespace Workstation.ComponentTests;

/// <summary>The lab console as lab staff see it, over a queue the test owns: local times, select-all over the filtered
/// rows with a count, and a progress bar that moves with every message.</summary>
public sealed class UploadConsolePageTests : PortalTestContext
{
    private readonly FakeQueue _queue = new();
    private readonly Notifier<OutboxChange> _changes = new(NullLogger<Notifier<OutboxChange>>.Instance);

    public UploadConsolePageTests()
    {
        Services.AddSingleton<IUploadStatusView>(_queue);
        Services.AddSingleton<IUploadCommands>(_queue);
        Services.AddSingleton<IDictionarySync>(new NoDictionaries());
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T02:00:00Z")));
        Services.AddSingleton(_changes);
        Services.AddScoped<UploadConsoleState>();
        AddAuthorization().SetAuthorized("lab");
    }

    [Fact]
    public void Approval_times_are_shown_in_the_hospitals_local_time_not_the_servers()
    {
        // 01:30 UTC is 09:30 in China (+08:00), whatever the server's own zone (CI runs on UTC).
        _queue.Rows.Add(Row(1, "L-1", UploadStatuses.Awaiting, "JYK", approvedAtUtc: "2026-11-25T01:30:00Z"));

        var cut = Show<UploadConsolePage>();

        Assert.Contains("11-25 09:30", cut.Find("tr[data-report=L-1]").TextContent);
    }

    [Fact]
    public void Select_all_picks_every_report_awaiting_approval_that_the_filters_show_and_says_how_many()
    {
        _queue.Rows.AddRange([
            Row(1, "L-1", UploadStatuses.Awaiting, "JYK"), Row(2, "L-2", UploadStatuses.Awaiting, "JYK"),
            Row(3, "L-3", UploadStatuses.Awaiting, "BLK"), Row(4, "L-4", UploadStatuses.Uploaded, "JYK"),
        ]);
        var cut = Show<UploadConsolePage>();
        cut.InvokeAsync(() => Services.GetRequiredService<UploadConsoleState>().Department = "JYK"); // as the department filter does
        cut.Render();

        Assert.Contains("（2 份）", cut.Find("[data-testid=select-all-label]").TextContent);
        cut.Find("input[data-testid=select-all]").Change(true);

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("已选 2 份", cut.Find("[data-testid=selected-count]").TextContent);
            Assert.Equal(2, cut.FindAll("input[data-testid=select-row]").Count(c => c.HasAttribute("checked")));
            Assert.Contains("2", cut.Find("button[data-testid=approve-selected]").TextContent);
        });
        cut.Find("input[data-testid=select-all]").Change(false);
        cut.WaitForAssertion(() => Assert.Contains("已选 0 份", cut.Find("[data-testid=selected-count]").TextContent));
    }

    [Fact]
    public void The_progress_of_a_bulk_approval_moves_with_every_message_not_when_a_batch_ends()
    {
        _queue.Rows.AddRange([Row(1, "L-1", UploadStatuses.Awaiting, "JYK"), Row(2, "L-2", UploadStatuses.Awaiting, "JYK")]);
        var cut = Show<UploadConsolePage>();
        cut.Find("input[data-testid=select-all]").Change(true);
        cut.Find("button[data-testid=approve-selected]").Click();
        cut.WaitForAssertion(() => Assert.Equal("6", cut.Find("[data-testid=upload-progress]").GetAttribute("data-total"))); // 2 reports × 3 messages
        Assert.Equal([1, 2], _queue.Approved.Single());

        var done = 0;
        foreach (var (report, message) in new[] { ("L-1", "patient"), ("L-1", "lab"), ("L-2", "patient") })
        {
            _changes.Publish(new OutboxChange($"{message}:{report}", UploadMessages.Destination, "t", UploadMessages.ReportKey(report), OutboxStates.Delivered, 1, null));
            done++;
            cut.WaitForAssertion(() => Assert.Equal(done.ToString(), cut.Find("[data-testid=upload-progress]").GetAttribute("data-done")));
        }
    }

    [Fact]
    public async Task A_double_click_on_approve_queues_the_reports_once()
    {
        _queue.Rows.Add(Row(1, "L-1", UploadStatuses.Awaiting, "JYK"));
        _queue.Hold = new TaskCompletionSource();
        var state = new UploadConsoleState(_queue, _queue, new LocalTime(Options.Create(new LocalTimeOptions())), TimeProvider.System);
        await state.LoadAsync(CancellationToken.None);
        state.SelectAll(true);

        var first = state.ApproveSelectedAsync("lab", CancellationToken.None);
        var second = state.ApproveSelectedAsync("lab", CancellationToken.None);
        _queue.Hold.SetResult();
        await Task.WhenAll(first, second);

        Assert.Single(_queue.Approved);
    }

    private static UploadRow Row(long id, string number, string status, string department, string approvedAtUtc = "2026-11-25T01:00:00Z") =>
        new(id, number, "lab", department, "张伟", "血常规", DateTime.SpecifyKind(DateTime.Parse(approvedAtUtc).ToUniversalTime(), DateTimeKind.Utc),
            status, null, null, 0, null);

    private sealed class FakeQueue : IUploadStatusView, IUploadCommands
    {
        public List<UploadRow> Rows { get; } = [];

        public List<long[]> Approved { get; } = [];

        public TaskCompletionSource? Hold { get; set; }

        public Task<IReadOnlyList<UploadRow>> ListAsync(string? status, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<UploadRow>>(Rows.ToList());

        public async Task<int> ApproveAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken cancellationToken)
        {
            if (Hold is not null) await Hold.Task;
            Approved.Add([.. ids]);
            for (var i = 0; i < Rows.Count; i++)
                if (ids.Contains(Rows[i].Id)) Rows[i] = Rows[i] with { Status = UploadStatuses.Queued };
            return ids.Count;
        }

        public Task<int> RetryAsync(string reportNumber, string actor, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task RevokeAsync(string reportNumber, string reason, string actor, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoDictionaries : IDictionarySync
    {
        public Task<(DateTime? LastSync, int Pending)> StatusAsync(CancellationToken cancellationToken) => Task.FromResult<(DateTime?, int)>((null, 0));

        public Task<DictionarySyncResult?> SyncNowAsync(bool full, string actor, CancellationToken cancellationToken) => Task.FromResult<DictionarySyncResult?>(null);
    }
}
