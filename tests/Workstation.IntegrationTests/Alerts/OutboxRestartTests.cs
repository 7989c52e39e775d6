using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Alerts;
using Workstation.Portal.Background;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Alerts;

/// <summary>A portal killed in the middle of a batch and started again with the same identity: what was delivered
/// before the kill is on record and not sent again, and what was in flight is taken back at once, not after the lease.</summary>
public sealed class OutboxRestartTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<PortalDbContext> Db => fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task A_restarted_instance_takes_its_claims_back_at_once_and_sends_nothing_it_had_delivered()
    {
        // Three handled critical values: three closed-loop messages to the LIS, each of its own key (sent side by side).
        var alerts = fixture.Factory.Services.GetRequiredService<AlertLifecycle>();
        var messageIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = "restart-" + Guid.NewGuid().ToString("N")[..10];
            (await fixture.Factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct)).EnsureSuccessStatusCode();
            await using var db = await Db.CreateDbContextAsync(Ct);
            var alert = await db.CriticalValueAlerts.AsNoTracking().SingleAsync(a => a.EventId == id, Ct);
            await alerts.AcknowledgeAsync(alert.Id, alert.AccountableDoctorId, "read back", Ct);
            await alerts.HandleAsync(alert.Id, alert.AccountableDoctorId, "赵医生", "已处理", Ct);
            messageIds.Add($"cv-{alert.Id}-handling");
        }

        // Run 1 of instance "ward-7": two sends are answered, the third hangs at the LIS when the process dies.
        const string name = "it-restart-ward-7";
        await using var first = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Instance:Name", name));
        var firstRun = first.Services.GetRequiredService<InstanceIdentity>();
        Assert.True(firstRun.OwnsName);
        fixture.Sandbox.Lis.Script((TimeSpan.Zero, false), (TimeSpan.Zero, false));
        var release = new TaskCompletionSource();
        var hanging = fixture.Sandbox.Lis.Hold(release.Task, fail: true);
        var pass = first.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct);
        await hanging.WaitAsync(Eventually.Deadline, Ct);
        // The two answers are on record while the third is still in flight (not only when the whole batch ends).
        await Eventually.UntilAsync(async () => await DeliveredAsync(messageIds) == 2, "the two answered sends to be recorded", cancellationToken: Ct);

        // kill -9: the process is gone and the kernel lets go of its lock; its claim on the third message stays behind.
        firstRun.Dispose();

        // Run 2, same identity, same database: the claim is taken back at start, without waiting for the lease (1 min, on
        // an unmoved clock), and only the message that was in flight is sent.
        await using var second = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Instance:Name", name));
        _ = second.Server; // started: earlier runs' claims released
        var secondRun = second.Services.GetRequiredService<InstanceIdentity>();
        Assert.True(secondRun.OwnsName);
        Assert.Equal(firstRun.Key, secondRun.Key);
        Assert.NotEqual(firstRun.Run, secondRun.Run);
        Assert.Equal(1, await second.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct));

        Assert.All(messageIds, id => Assert.Single(fixture.Sandbox.Lis.Handlings, h => h.MessageId == id));
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            var messages = await db.Outbox.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToListAsync(Ct);
            Assert.All(messages, m => Assert.Equal((OutboxStates.Delivered, 1), (m.State, m.Attempts)));
        }

        // The dead run's hanging send finally ends (as a failure): its outcome is not recorded over the delivery.
        release.SetResult();
        await pass;
        Assert.Equal(3, await DeliveredAsync(messageIds));
    }

    [Fact]
    public async Task A_second_live_instance_with_the_same_name_takes_nothing_back()
    {
        const string name = "it-restart-two-alive";
        await using var alive = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Instance:Name", name));
        var aliveRun = alive.Services.GetRequiredService<InstanceIdentity>();
        await using var other = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Instance:Name", name));
        var otherRun = other.Services.GetRequiredService<InstanceIdentity>();

        Assert.True(aliveRun.OwnsName);
        Assert.False(otherRun.OwnsName); // the name is held by a live run: this one claims under a key of its own
        Assert.NotEqual(aliveRun.Key, otherRun.Key);
    }

    private async Task<int> DeliveredAsync(IReadOnlyCollection<string> ids)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.Outbox.CountAsync(m => ids.Contains(m.Id) && m.State == OutboxStates.Delivered, Ct);
    }
}
