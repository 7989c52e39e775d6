using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Doctor;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Alerts;
using Workstation.Portal.Presence;
using Workstation.Portal.Outbox;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Alerts;

public sealed class CriticalValueTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string NewId() => "evt-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(int Events, int Alerts)> CountAsync(WebApplicationFactory<Program>? factory = null)
    {
        var db = await (factory ?? fixture.Factory).Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        await using (db) return (await db.Set<Workstation.Portal.Inbound.InboundEvent>().CountAsync(Ct), await db.CriticalValueAlerts.CountAsync(Ct));
    }

    private async Task<CriticalValueAlert> AlertAsync(string eventId, WebApplicationFactory<Program>? factory = null)
    {
        var db = await (factory ?? fixture.Factory).Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        await using (db) return await db.CriticalValueAlerts.AsNoTracking().SingleAsync(a => a.EventId == eventId, Ct);
    }

    [Fact]
    public async Task Bad_webhooks_are_refused_with_problem_details_and_nothing_is_stored()
    {
        var before = await CountAsync();
        var body = WebhookClient.CriticalValue(NewId());
        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/lis") { Content = JsonContent.Create(body) };

        var responses = new[]
        {
            await Client().SendAsync(unsigned, Ct),
            await Client().SendAsync(WebhookClient.Signed(body, "a-different-secret-of-thirty-two-chars"), Ct),
            await Client().SendAsync(WebhookClient.Signed(body, PortalFixture.LisSecret, at: DateTimeOffset.UtcNow.AddMinutes(-6)), Ct),
            await Client().SendAsync(WebhookClient.Signed(body, PortalFixture.LisSecret, source: "radiology"), Ct),
        };
        var malformed = await Client().SendAsync(WebhookClient.Signed("{\"eventId\": \"x\", \"type\": ", PortalFixture.LisSecret), Ct);
        var incomplete = await Client().SendAsync(WebhookClient.Signed(new { eventId = NewId(), type = "critical-value", data = new { patientId = "P1" } }, PortalFixture.LisSecret), Ct);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Contains("orderingDoctorId", await incomplete.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_valid_event_is_stored_before_202_routed_to_one_accountable_doctor_and_a_replay_is_409()
    {
        var id = NewId();
        var accepted = await Client().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
        var replay = await Client().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        var alert = await AlertAsync(id);
        Assert.Equal("D002", alert.AccountableDoctorId); // ordering doctor D001 not online → on-duty doctor
        Assert.Equal(AlertStatuses.Open, alert.Status);
        Assert.NotNull(alert.NextEscalationAt);
        var steps = await fixture.Factory.Services.GetRequiredService<AlertQueries>().StepsAsync(alert.Id, Ct);
        Assert.Equal("routed", steps.Single().Kind);
    }

    [Fact]
    public async Task The_ordering_doctor_is_accountable_when_online()
    {
        using var online = fixture.Factory.Services.GetRequiredService<DoctorPresence>().Enter("D009");
        var id = NewId();

        await Client().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id, orderingDoctor: "D009"), PortalFixture.LisSecret), Ct);

        Assert.Equal("D009", (await AlertAsync(id)).AccountableDoctorId);
    }

    [Fact]
    public async Task A_doctor_online_on_another_instance_is_the_accountable_doctor_and_goes_offline_when_that_instance_leaves()
    {
        // A second portal instance over the same database (its own process state, as behind a load balancer).
        await using var instanceB = fixture.Factory.WithWebHostBuilder(_ => { });
        var presenceB = instanceB.Services.GetRequiredService<DoctorPresence>();
        var presenceA = fixture.Factory.Services.GetRequiredService<DoctorPresence>();
        var online = presenceB.Enter("D010");
        await Eventually.UntilAsync(() => presenceA.IsOnlineAsync("D010", Ct), "instance A to see D010 online on instance B", cancellationToken: Ct);
        Assert.False(presenceA.IsOnlineHere("D010"));

        var id = NewId();
        await Client().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id, orderingDoctor: "D010"), PortalFixture.LisSecret), Ct);

        Assert.Equal("D010", (await AlertAsync(id)).AccountableDoctorId); // not the on-duty D002
        online.Dispose();
        await Eventually.UntilAsync(async () => !await presenceA.IsOnlineAsync("D010", Ct), "D010 to go offline when B's connection closes", cancellationToken: Ct);
    }

    [Fact]
    public async Task Unacknowledged_alerts_escalate_when_their_timers_run_out_and_every_step_is_logged()
    {
        // The production timers (10 min → department head, 30 min → medical affairs) on a clock the test moves.
        var clock = PortalFixture.Clock();
        await using var host = fixture.WithClock(clock);
        var id = NewId();
        await host.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
        var alerts = host.Services.GetRequiredService<AlertEscalation>();
        var queries = host.Services.GetRequiredService<AlertQueries>();

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await alerts.EscalateDueAsync(Ct);
        var early = await AlertAsync(id, host);
        clock.Advance(TimeSpan.FromSeconds(2));
        await alerts.EscalateDueAsync(Ct);
        var first = await AlertAsync(id, host);
        clock.Advance(TimeSpan.FromMinutes(20));
        await alerts.EscalateDueAsync(Ct);
        var second = await AlertAsync(id, host);

        Assert.Equal(("D002", 0), (early.AccountableDoctorId, early.EscalationLevel)); // not yet
        Assert.Equal(("D003", 1), (first.AccountableDoctorId, first.EscalationLevel));
        Assert.Equal(("YWK", 2), (second.AccountableDoctorId, second.EscalationLevel));
        var steps = await queries.StepsAsync(second.Id, Ct);
        Assert.Equal(["routed", "escalated", "escalated"], steps.Select(s => s.Kind));
    }

    [Fact]
    public async Task Escalation_fires_once_when_several_workers_race_for_the_same_alert()
    {
        var clock = PortalFixture.Clock();
        await using var host = fixture.WithClock(clock);
        var id = NewId();
        await host.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
        var alerts = host.Services.GetRequiredService<AlertEscalation>();
        var queries = host.Services.GetRequiredService<AlertQueries>();
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        // Four passes at once, as four portal instances' workers would run them over one database.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => alerts.EscalateDueAsync(Ct)));

        var alert = await AlertAsync(id, host);
        Assert.Equal(1, alert.EscalationLevel);
        var steps = await queries.StepsAsync(alert.Id, Ct);
        Assert.Single(steps, s => s.Kind == "escalated"); // by one of the four passes or the host's own timer, once
    }

    [Fact]
    public async Task Read_back_then_handling_reaches_the_lis_exactly_once_despite_failures()
    {
        var id = NewId();
        await Client().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
        var alerts = fixture.Factory.Services.GetRequiredService<AlertLifecycle>();
        var alert = await AlertAsync(id);

        Assert.Equal(AlertRefusal.ReadBackFirst, (await Assert.ThrowsAsync<AlertRefusedException>(() => alerts.HandleAsync(alert.Id, "D002", "赵医生", "已调整治疗", Ct))).Refusal);
        Assert.Equal(AlertRefusal.NotYours, (await Assert.ThrowsAsync<AlertRefusedException>(() => alerts.AcknowledgeAsync(alert.Id, "D777", "x", Ct))).Refusal);
        await alerts.AcknowledgeAsync(alert.Id, "D002", "patient=张伟; item=血钾; value=6.8; unit=mmol/L", Ct);
        await alerts.HandleAsync(alert.Id, "D002", "赵医生", "已调整治疗；已通知患者复查", Ct);

        fixture.Sandbox.Lis.FailNextDeliveries = 3;
        var dispatcher = fixture.Factory.Services.GetRequiredService<OutboxDispatcher>();
        var dbFactory = fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var messageId = $"cv-{alert.Id}-handling";
        for (var i = 0; i < 10; i++)
        {
            await dispatcher.RunOnceAsync(Ct);
            await using var db = await dbFactory.CreateDbContextAsync(Ct);
            var message = await db.Outbox.SingleAsync(m => m.Id == messageId, Ct);
            if (message.DeliveredAt is not null) break;
            message.NextAttemptAt = DateTime.UtcNow.AddSeconds(-1); // skip the backoff wait
            await db.SaveChangesAsync(Ct);
        }
        // A redelivery (e.g. a crash after sending, before marking delivered) must not duplicate the handling at LIS.
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            var message = await db.Outbox.SingleAsync(m => m.Id == messageId, Ct);
            Assert.Equal(4, message.Attempts);
            message.State = OutboxStates.Pending;
            message.DeliveredAt = null;
            message.NextAttemptAt = DateTime.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync(Ct);
        }
        await dispatcher.RunOnceAsync(Ct);

        var handled = fixture.Sandbox.Lis.Handlings.Where(h => h.MessageId == messageId).ToList();
        Assert.Single(handled);
        Assert.Equal("LIS-" + id, handled[0].SourceEventId);
        Assert.Equal("已调整治疗；已通知患者复查", handled[0].HandlingNote);
        var final = await AlertAsync(id);
        Assert.NotNull(final.AcknowledgedAt);
        Assert.NotNull(final.HandledAt);
        Assert.True(final.HandledAt >= final.AcknowledgedAt);
    }

    [Fact]
    public async Task An_alert_received_before_a_restart_is_replayed_to_the_doctor_on_connect()
    {
        var id = NewId();
        // Receipt, then the portal stops before anyone was told.
        await using (var before = fixture.Factory.WithWebHostBuilder(_ => { }))
        {
            var response = await before.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id, orderingDoctor: "D042"), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await using var after = fixture.Factory.WithWebHostBuilder(_ => { });
        var launches = after.Services.GetRequiredService<LaunchService>();
        var request = LaunchTests.Zhang("E1001-OUT");
        request.DoctorId = "D042";
        var (code, _) = await launches.IssueCodeAsync(request.ToContext("test-his"), null, Ct);
        var token = (await launches.RedeemCodeAsync(code, Ct)).Token!;
        var server = after.Server;
        var received = new TaskCompletionSource<AlertMessage>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/alerts?s=" + Uri.EscapeDataString(token)), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        hub.On<AlertMessage>("alert", m => { if (m.ItemName == "血钾") received.TrySetResult(m); });
        await hub.StartAsync(Ct);

        var message = await received.Task.WaitAsync(Eventually.Deadline, Ct);
        Assert.Equal("6.8", message.Value);
        Assert.Equal("open", message.Status);
    }

    [Fact]
    public async Task A_hub_connection_without_a_valid_session_is_refused()
    {
        var server = fixture.Factory.Server;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/alerts?s=forged"), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        try { await hub.StartAsync(Ct); } catch (Exception) { closed.TrySetResult(); }

        await closed.Task.WaitAsync(Eventually.Deadline, Ct);
        Assert.NotEqual(HubConnectionState.Connected, hub.State);
    }
}
