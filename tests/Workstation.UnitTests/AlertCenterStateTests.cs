using Workstation.Portal.Alerts;

namespace Workstation.UnitTests;

/// <summary>Which critical value a doctor sees next, and when an open dialog must close: the alert centre's rules.</summary>
public sealed class AlertCenterStateTests
{
    private static CriticalValueAlert Alert(long id, string accountable = "D002", string status = AlertStatuses.Open, string tier = AlertTiers.Critical) =>
        new() { Id = id, AccountableDoctorId = accountable, OrderingDoctorId = "D001", Status = status, Tier = tier, ItemName = "血钾" };

    private static AlertCenterState For(string doctorId)
    {
        var state = new AlertCenterState(new NoStore());
        state.Begin(doctorId);
        return state;
    }

    private sealed class NoStore : IDoctorAlerts
    {
        public Task<IReadOnlyList<CriticalValueAlert>> OpenForAsync(string doctorId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CriticalValueAlert>>([]);

        public Task<IReadOnlyList<ResultNotification>> UnreadResultsAsync(string doctorId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ResultNotification>>([]);

        public Task MarkReadAsync(string doctorId, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public void An_alert_arriving_while_another_is_shown_waits_its_turn_and_each_is_shown_once()
    {
        var state = For("D002");
        state.Apply(Alert(1));
        Assert.True(state.TryShowNext(out var first));
        state.Apply(Alert(2));               // arrives during the first dialog
        state.Apply(Alert(1));               // the first replayed (a reconnect) or re-routed
        Assert.False(state.TryShowNext(out _)); // one dialog at a time

        state.Closed(first.Id);
        Assert.True(state.TryShowNext(out var second));
        Assert.Equal((1, 2), (first.Id, second.Id));
        state.Closed(second.Id);
        Assert.False(state.TryShowNext(out _)); // the replay of 1 did not queue it again
    }

    [Fact]
    public void Only_alerts_that_concern_the_doctor_are_shown_and_one_handled_elsewhere_closes_its_dialog()
    {
        var state = For("D002");
        state.Apply(Alert(3, accountable: "D009"));        // neither accountable nor ordering
        Assert.False(state.TryShowNext(out _));
        state.Apply(Alert(4));
        Assert.True(state.TryShowNext(out _));

        Assert.True(state.Apply(Alert(4, status: AlertStatuses.Handled))); // handled in the HIS page's overlay: close
        Assert.False(state.Apply(Alert(5, status: AlertStatuses.Handled)));
    }

    [Fact]
    public void Significant_results_gather_in_the_banner_once_each_and_leave_it_when_handled()
    {
        var state = For("D001"); // the ordering doctor
        state.Apply(Alert(6, tier: AlertTiers.Significant));
        state.Apply(Alert(6, tier: AlertTiers.Significant));
        state.Apply(Alert(7, tier: AlertTiers.Significant));
        Assert.Equal([6L, 7L], state.Significant.Select(a => a.Id));
        Assert.False(state.TryShowNext(out _)); // never a blocking dialog by itself

        state.Apply(Alert(6, status: AlertStatuses.Handled, tier: AlertTiers.Significant));
        Assert.Equal([7L], state.Significant.Select(a => a.Id));
        Assert.Equal([7L], state.TakeSignificant().Select(a => a.Id));
        Assert.Empty(state.Significant);
    }
}
