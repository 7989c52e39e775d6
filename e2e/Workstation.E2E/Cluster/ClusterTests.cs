using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Workstation.E2E.Pages;
using Workstation.Portal.Alerts;
using Workstation.Sandbox.Platform;

namespace Workstation.E2E.Cluster;

/// <summary>Issue 14's "done when": two portal processes + nginx + PostgreSQL + Redis on 127.0.0.1, the doctor in
/// Chromium inside the demo HIS. The doctor's pages and hub land on one instance ("doctors"); LIS posts to the other
/// ("other"). Each test leaves both instances running (the kill test starts its victim again).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void SkipUnlessAvailable()
    {
        if (cluster.Unavailable is { } why) Assert.Skip("Cluster test " + why);
    }

    [Fact]
    public async Task The_other_instance_routes_a_critical_value_to_the_ordering_doctor_online_on_the_first_and_the_circuit_there_shows_it_and_late_duplicates()
    {
        SkipUnlessAvailable();
        var his = await OpenDoctorAsync("张伟");

        // Posted to the instance the doctor is NOT connected to: it must see the doctor online on the other one.
        var eventId = NewId();
        Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.OtherInstance.Url, eventId, "6.9")).StatusCode);
        var dialog = his.Portal.Locator(".critical-dialog");
        await Assertions.Expect(dialog.GetByTestId("critical-value")).ToHaveTextAsync("6.9 mmol/L");
        await Assertions.Expect(his.Page.Locator("[data-workstation=alert-banner]")).ToContainTextAsync("血钾 6.9 mmol/L");
        Assert.Equal("D001", await AccountableAsync(eventId)); // the ordering doctor, not the on-duty D002
        await HandleAsync(dialog, "已调整治疗");

        // A line added during an outage; the platform returns; the re-check runs on the other instance only (the
        // doctors' instance runs none) and the notice reaches the circuit here through Redis.
        var emergency = await OpenDoctorAsync("张伟", "emergency");
        cluster.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            await emergency.SelectPatientAsync("张伟", "emergency");
            await Assertions.Expect(emergency.Badge).ToHaveAttributeAsync("data-status", "notchecked");
            await emergency.AddItemAsync("L001");
            await Assertions.Expect(emergency.LineStatus(0)).ToContainTextAsync("未核验");
        }
        finally
        {
            cluster.Sandbox.Platform.Faults = PlatformFaults.None;
        }
        var notice = emergency.Portal.GetByTestId("late-duplicate");
        await Assertions.Expect(notice).ToContainTextAsync("血常规（第 L001 行）");
        await Assertions.Expect(emergency.LineStatus(0)).ToContainTextAsync("需互认决定");
        await BrowserFixture.ScreenshotAsync(emergency.Page, "cluster-late-duplicate-zh");
    }

    [Fact]
    public async Task Escalation_fires_once_with_two_instances_running()
    {
        SkipUnlessAvailable();
        // The ordering doctor is offline: routed to the on-duty doctor, escalated to the department head after 6 s by
        // whichever instance's timer claims it first (both run every 0.5 s).
        var eventId = NewId();
        Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.NginxUrl, eventId, "7.0", orderingDoctor: "D-OFFLINE-1")).StatusCode);
        Assert.Equal("D002", await AccountableAsync(eventId));
        await WaitForAsync(async () => await EscalationsAsync(eventId) > 0);
        // A second alert, posted now, escalates 6 s later: by the time it has, both instances' timers (every 0.5 s) have
        // passed over the first alert again and again.
        var later = NewId();
        Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.NginxUrl, later, "7.1", orderingDoctor: "D-OFFLINE-1")).StatusCode);
        await WaitForAsync(async () => await EscalationsAsync(later) > 0);
        Assert.Equal(1, await EscalationsAsync(eventId));
        Assert.Equal(1, await EscalationsAsync(later));
        Assert.Equal(("D003", 1), (await AccountableAsync(eventId), await cluster.ScalarAsync<int>(
            "SELECT \"EscalationLevel\" FROM critical_value_alerts WHERE \"EventId\" = @e", ("e", eventId))));
    }

    [Fact]
    public async Task Killing_the_doctors_instance_loses_nothing_its_claimed_work_is_finished_once_by_the_other_and_the_doctor_sees_the_open_alert_again()
    {
        SkipUnlessAvailable();
        var his = await OpenDoctorAsync("张伟");

        // 1. The doctor handles a critical value; the closed-loop message to LIS is claimed by the doctors' instance,
        //    whose send is held at LIS (never answered) when the instance dies. The other instance polls every 2 s: on a
        //    busy machine its poll can fall between the commit and the doctors' instance's own claim, and then it holds
        //    the message (right, but not this scenario). Then LIS answers it and the doctor handles another one, until
        //    the doctors' instance is the holder.
        var doctorsRun = "." + cluster.DoctorsInstance.ProcessId.ToString(CultureInfo.InvariantCulture) + "."; // {instance}.{run}.{pid}.{pass}
        var messageId = "";
        for (var attempt = 1; ; attempt++)
        {
            var handled = NewId();
            Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.DoctorsInstance.Url, handled, "6.7")).StatusCode);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var atLis = cluster.Sandbox.Lis.Hold(release.Task, fail: false);
            await HandleAsync(his.Portal.Locator(".critical-dialog"), "已通知患者复查");
            var alertId = await cluster.ScalarAsync<long>("SELECT \"Id\" FROM critical_value_alerts WHERE \"EventId\" = @e", ("e", handled));
            var id = messageId = $"cv-{alertId}-handling";
            string? state = null;
            await WaitForAsync(async () => (state = await cluster.ScalarAsync<string>("SELECT \"State\" FROM outbox WHERE \"Id\" = @id", ("id", id))) == "sending",
                () => $"outbox message {id} is '{state}', LIS received {cluster.Sandbox.Lis.Handlings.Count(h => h.MessageId == id)}");
            await atLis.WaitAsync(Eventually.Deadline, Ct); // the send is in flight
            var holder = await cluster.ScalarAsync<string>("SELECT \"LeaseOwner\" FROM outbox WHERE \"Id\" = @id", ("id", id));
            if (holder!.Contains(doctorsRun, StringComparison.Ordinal)) break;
            Assert.True(attempt < 5, $"the other instance claimed the doctors' message {attempt} times in a row (holder {holder})");
            release.SetResult(); // LIS answers the other instance
            await WaitForAsync(async () => await cluster.ScalarAsync<string>("SELECT \"State\" FROM outbox WHERE \"Id\" = @id", ("id", id)) == "delivered");
        }

        // 2. An open critical value for this doctor, and one whose escalation timer is due on the dying instance.
        var open = NewId();
        Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.DoctorsInstance.Url, open, "7.2")).StatusCode);
        await Assertions.Expect(his.Portal.Locator(".critical-dialog").GetByTestId("critical-value")).ToHaveTextAsync("7.2 mmol/L");
        var escalating = NewId();
        Assert.Equal(202, (int)(await PostCriticalValueAsync(cluster.DoctorsInstance.Url, escalating, "7.3", orderingDoctor: "D-OFFLINE-2")).StatusCode);

        // 3. Kill -9.
        await cluster.DoctorsInstance.KillAsync();
        try
        {
            // The handling reaches LIS exactly once, sent by the other instance after the 3 s lease.
            await WaitForAsync(async () => await cluster.ScalarAsync<string>("SELECT \"State\" FROM outbox WHERE \"Id\" = @id", ("id", messageId)) == "delivered");
            Assert.Single(cluster.Sandbox.Lis.Handlings, h => h.MessageId == messageId);
            Assert.Contains("已通知患者复查", cluster.Sandbox.Lis.Handlings.Single(h => h.MessageId == messageId).HandlingNote);
            Assert.Equal(1, await cluster.ScalarAsync<int>("SELECT \"Attempts\" FROM outbox WHERE \"Id\" = @id", ("id", messageId)));

            // The escalation due on the dead instance is fired by the other one, once.
            await WaitForAsync(async () => await EscalationsAsync(escalating) > 0);

            // The doctor's page: the circuit died with its instance. HIS reloads; nginx sends the doctor to the other
            // instance, where the open critical value is shown again (banner from the hub, dialog in the portal).
            await his.Page.ReloadAsync();
            await his.SelectPatientAsync("张伟");
            await Assertions.Expect(his.Page.Locator("iframe[data-workstation=badge][data-live=true]")).ToHaveCountAsync(1);
            await Assertions.Expect(his.Page.Locator("[data-workstation=alert-banner]").Filter(new() { HasText = "血钾 7.2 mmol/L" })).ToHaveCountAsync(1);
            await Assertions.Expect(his.Portal.Locator(".critical-dialog").GetByTestId("critical-value")).ToHaveTextAsync("7.2 mmol/L");
            await BrowserFixture.ScreenshotAsync(his.Page, "cluster-after-failover-zh");
            await HandleAsync(his.Portal.Locator(".critical-dialog"), "已调整治疗");
            // Meanwhile the surviving instance's timer went over the escalated alert many times: still once.
            Assert.Equal(1, await EscalationsAsync(escalating));
        }
        finally
        {
            await cluster.RestartDoctorsInstanceAsync(); // for the other tests: the doctors' pages land there again
        }
    }

    private async Task<HisWorkstationPage> OpenDoctorAsync(string patient, string setting = "outpatient")
    {
        var his = new HisWorkstationPage(await cluster.NewPageAsync());
        await his.OpenAsync(cluster.Sandbox.HisUrl);
        await his.SelectPatientAsync(patient, setting);
        try
        {
            await Assertions.Expect(his.Page.Locator("iframe[data-workstation=badge][data-live=true]")).ToHaveCountAsync(1); // a cold instance may take a while
        }
        catch (PlaywrightException)
        {
            await BrowserFixture.ScreenshotAsync(his.Page, "cluster-not-live");
            throw;
        }
        // The doctor is online on the doctors' instance, as the other instance reads it from the database.
        var prefix = "%." + cluster.DoctorsInstance.ProcessId.ToString(CultureInfo.InvariantCulture); // {instance}.{run}.{pid}
        await WaitForAsync(async () => await cluster.ScalarAsync<long>(
            "SELECT count(*) FROM doctor_presence WHERE \"DoctorId\" = 'D001' AND \"InstanceId\" LIKE @p", ("p", prefix)) > 0);
        return his;
    }

    private static async Task HandleAsync(ILocator dialog, string action)
    {
        foreach (var label in new[] { "患者：张伟", "项目：血钾" }) await dialog.GetByText(label).ClickAsync();
        var value = (await dialog.GetByTestId("critical-value").InnerTextAsync()).Split(' ')[0];
        await dialog.GetByText("结果：" + value).ClickAsync();
        await dialog.GetByText("单位：mmol/L").ClickAsync();
        await dialog.GetByTestId("acknowledge").ClickAsync();
        await dialog.GetByText(action).ClickAsync();
        await dialog.GetByTestId("submit-handling").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("critical-value").Filter(new() { HasText = value + " mmol/L" })).ToHaveCountAsync(0);
    }

    private Task<string?> AccountableAsync(string eventId) =>
        cluster.ScalarAsync<string>("SELECT \"AccountableDoctorId\" FROM critical_value_alerts WHERE \"EventId\" = @e", ("e", eventId));

    private Task<long> EscalationsAsync(string eventId) => cluster.ScalarAsync<long>(
        "SELECT count(*) FROM alert_steps s JOIN critical_value_alerts a ON a.\"Id\" = s.\"AlertId\" WHERE a.\"EventId\" = @e AND s.\"Kind\" = 'escalated'",
        ("e", eventId));

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string>? describe = null)
    {
        try
        {
            await Eventually.UntilAsync(condition, "a condition of the cluster", cancellationToken: Ct);
        }
        catch (TimeoutException ex) when (describe is not null)
        {
            throw new TimeoutException($"{ex.Message} {describe()}", ex);
        }
    }

    private static string NewId() => "cluster-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<HttpResponseMessage> PostCriticalValueAsync(Uri portal, string eventId, string value, string orderingDoctor = "D001")
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId,
            type = "critical-value",
            data = new
            {
                patientId = "P1001", patientName = "张伟", encounterId = "E1001-OUT", itemCode = "K", itemName = "血钾", value,
                unit = "mmol/L", referenceRange = "3.5-5.3", reportedBy = "检验科 王技师", reportedAt = DateTime.UtcNow,
                recordId = "LIS-" + eventId, orderingDoctorId = orderingDoctor, departmentCode = "NK",
            },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = portal };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/lis") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.TimestampHeader, ts);
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader, Workstation.Portal.Inbound.WebhookEndpoints.Sign(PortalServer.LisSecret, ts, body));
        return await http.SendAsync(request, Ct);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
