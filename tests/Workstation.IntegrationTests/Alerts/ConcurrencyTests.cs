using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Alerts;
using Workstation.Portal.Background;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Alerts;

/// <summary>Rows that several portal instances update (alerts, outbox messages) carry a version: a write based on a
/// stale read is refused instead of overwriting another instance's change. Jobs that must run on one instance at a
/// time hold a lease row.</summary>
public sealed class ConcurrencyTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<PortalDbContext> Db => fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private async Task<CriticalValueAlert> NewAlertAsync()
    {
        var id = "evt-" + Guid.NewGuid().ToString("N")[..12];
        var response = await fixture.Factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
        response.EnsureSuccessStatusCode();
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.CriticalValueAlerts.AsNoTracking().SingleAsync(a => a.EventId == id, Ct);
    }

    [Fact]
    public async Task A_write_based_on_a_stale_read_of_an_alert_is_refused()
    {
        var alert = await NewAlertAsync();
        await using var first = await Db.CreateDbContextAsync(Ct);
        await using var second = await Db.CreateDbContextAsync(Ct);
        var a = await first.CriticalValueAlerts.SingleAsync(x => x.Id == alert.Id, Ct);
        var b = await second.CriticalValueAlerts.SingleAsync(x => x.Id == alert.Id, Ct);

        a.AccountableDoctorId = "D003";
        await first.SaveChangesAsync(Ct);
        b.Status = AlertStatuses.Acknowledged;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Ct));
        await using var check = await Db.CreateDbContextAsync(Ct);
        var stored = await check.CriticalValueAlerts.AsNoTracking().SingleAsync(x => x.Id == alert.Id, Ct);
        Assert.Equal((AlertStatuses.Open, "D003", alert.Version + 1), (stored.Status, stored.AccountableDoctorId, stored.Version));
    }

    [Fact]
    public async Task Racing_acknowledgements_and_handlings_are_each_recorded_once()
    {
        var alert = await NewAlertAsync();
        var alerts = fixture.Factory.Services.GetRequiredService<AlertLifecycle>();

        // The accountable and the ordering doctor press 确认 at the same moment, on two instances, twice each.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            alerts.AcknowledgeAsync(alert.Id, i % 2 == 0 ? alert.AccountableDoctorId : alert.OrderingDoctorId, "read back " + i, Ct)));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => alerts.HandleAsync(alert.Id, "D002", "赵医生", "已处理 " + i, Ct)));

        var steps = await fixture.Factory.Services.GetRequiredService<AlertQueries>().StepsAsync(alert.Id, Ct);
        Assert.Single(steps, s => s.Kind == "acknowledged");
        Assert.Single(steps, s => s.Kind == "handled");
        await using var db = await Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.OrderingKey == $"cv-{alert.Id}", Ct));
        var stored = await db.CriticalValueAlerts.AsNoTracking().SingleAsync(x => x.Id == alert.Id, Ct);
        Assert.Equal(steps.Single(s => s.Kind == "handled").Detail, stored.HandlingNote);
    }

    [Fact]
    public async Task A_dispatcher_whose_lease_was_taken_over_cannot_overwrite_the_delivery_recorded_by_the_new_holder()
    {
        // Messages other tests of this class left pending (the fixture's dispatcher loop is off) go out first, so that
        // A claims only this test's message, whatever order the tests run in.
        var drain = fixture.Factory.Services.GetRequiredService<OutboxDispatcher>();
        while (await drain.RunOnceAsync(Ct) > 0)
        {
        }
        var alert = await NewAlertAsync();
        var alerts = fixture.Factory.Services.GetRequiredService<AlertLifecycle>();
        await alerts.AcknowledgeAsync(alert.Id, alert.AccountableDoctorId, "read back", Ct);
        await alerts.HandleAsync(alert.Id, alert.AccountableDoctorId, "赵医生", "已处理", Ct);
        var messageId = $"cv-{alert.Id}-handling";
        await using (var pending = await Db.CreateDbContextAsync(Ct))
        {
            Assert.Equal([messageId], await pending.Outbox.AsNoTracking()
                .Where(m => OutboxStates.Open.Contains(m.State)).Select(m => m.Id).ToListAsync(Ct));
        }

        // Two instances, each on a clock the test moves (from now: the message is due): A's lease runs out on B's
        // clock, never by waiting.
        var (clockA, clockB) = PortalFixture.Clocks();
        await using var a = fixture.WithClock(clockA);
        await using var b = fixture.WithClock(clockB);

        // A's send is held at LIS (then fails); while it is in flight, A's lease runs out on B's clock, and B claims the
        // message and delivers it.
        var release = new TaskCompletionSource();
        var atLis = fixture.Sandbox.Lis.Hold(release.Task, fail: true);
        var slow = a.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct);
        await atLis.WaitAsync(Eventually.Deadline, Ct);
        await using (var probe = await Db.CreateDbContextAsync(Ct))
            Assert.Equal(OutboxStates.Sending, (await probe.Outbox.AsNoTracking().SingleAsync(m => m.Id == messageId, Ct)).State);
        clockB.Advance(a.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await b.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct));
        release.SetResult();
        await slow;

        await using var db = await Db.CreateDbContextAsync(Ct);
        var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == messageId, Ct);
        Assert.Equal((OutboxStates.Delivered, 1, null), (message.State, message.Attempts, message.LastError));
        Assert.Single(fixture.Sandbox.Lis.Handlings, h => h.MessageId == messageId);
        // Only the holder that recorded the delivery wrote its step (A's dropped outcome took its side effects along).
        Assert.Single(await fixture.Factory.Services.GetRequiredService<AlertQueries>().StepsAsync(alert.Id, Ct), s => s.Kind == "delivered");
    }

    [Fact]
    public async Task A_job_lease_is_held_by_one_instance_and_taken_over_when_it_expires()
    {
        var (clockMine, clockTheirs) = PortalFixture.Clocks();
        await using var me = fixture.WithClock(clockMine);
        await using var other = fixture.WithClock(clockTheirs);
        var mine = me.Services.GetRequiredService<JobLeases>();
        var theirs = other.Services.GetRequiredService<JobLeases>();
        var name = "test-" + Guid.NewGuid().ToString("N")[..8];

        var attempts = await Task.WhenAll(mine.TryAcquireAsync(name, TimeSpan.FromMinutes(1), Ct), theirs.TryAcquireAsync(name, TimeSpan.FromMinutes(1), Ct));
        Assert.Single(attempts, held => held);
        var (holder, waiter, waiterClock) = attempts[0] ? (mine, theirs, clockTheirs) : (theirs, mine, clockMine);
        Assert.False(await waiter.TryAcquireAsync(name, TimeSpan.FromMinutes(1), Ct));
        Assert.True(await holder.TryAcquireAsync(name, TimeSpan.FromSeconds(30), Ct)); // renewal, now for 30 s

        waiterClock.Advance(TimeSpan.FromSeconds(29)); // not yet run out
        Assert.False(await waiter.TryAcquireAsync(name, TimeSpan.FromSeconds(30), Ct));
        waiterClock.Advance(TimeSpan.FromSeconds(2)); // the holder "died": its lease has run out
        Assert.True(await waiter.TryAcquireAsync(name, TimeSpan.FromSeconds(30), Ct));
        Assert.False(await holder.TryAcquireAsync(name, TimeSpan.FromSeconds(30), Ct));
        Assert.Null(await holder.RunExclusiveAsync<int>(name, TimeSpan.FromSeconds(30), _ => Task.FromResult(1), Ct));

        await waiter.ReleaseAsync(name); // given back after a pass: anyone may run the next one at once
        Assert.Equal(7, await holder.RunExclusiveAsync(name, TimeSpan.FromSeconds(30), _ => Task.FromResult(7), Ct));
    }
}
