using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Workstation.E2E.Pages;
using Workstation.Portal.Alerts;

namespace Workstation.E2E;

/// <summary>LIS reports a critical value: the doctor's portal in the HIS page blocks until read-back and handling, and the
/// handling goes back to LIS.</summary>
[Collection(DoctorCollection.Name)]
public sealed class CriticalValueTests(BrowserFixture browser) : IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task A_signed_critical_value_blocks_the_doctor_until_read_back_and_handling_which_reach_the_lis()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");

        var eventId = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        var watch = Stopwatch.StartNew();
        var response = await PostCriticalValueAsync(eventId);
        Assert.Equal(202, (int)response.StatusCode);

        var dialog = his.Portal.Locator(".critical-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(); // how fast: bench -- alerts (webhook → client p99)
        TestContext.Current.SendDiagnosticMessage($"critical value shown {watch.ElapsedMilliseconds} ms after the webhook was posted");
        await Assertions.Expect(dialog.GetByTestId("critical-value")).ToHaveTextAsync("6.8 mmol/L");
        await BrowserFixture.ScreenshotAsync(page, "critical-value-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(await Accessibility.FrameAsync(page, "iframe[data-workstation=badge]"), "the critical-value dialog");

        // It cannot be dismissed, and acknowledging needs every read-back item.
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        var acknowledge = dialog.GetByTestId("acknowledge");
        await Assertions.Expect(acknowledge).ToBeDisabledAsync();
        foreach (var label in new[] { "患者：张伟", "项目：血钾", "结果：6.8", "单位：mmol/L" }) await dialog.GetByText(label).ClickAsync();
        await acknowledge.ClickAsync();

        await dialog.GetByText("已调整治疗").ClickAsync();
        await dialog.GetByTestId("handling-note").Locator("textarea").Or(dialog.Locator("textarea[data-testid=handling-note]")).First.FillAsync("予降钾处理，2小时后复查");
        await BrowserFixture.ScreenshotAsync(page, "critical-value-handling-zh");
        await dialog.GetByTestId("submit-handling").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // Closed loop: the LIS simulator shows the handling (its own page, as lab staff would look).
        var lis = await browser.NewPageAsync();
        await Eventually.UntilAsync(() => browser.Server.Sandbox.Lis.Handlings.Any(h => h.SourceEventId.EndsWith(eventId)),
            "the handling to reach the LIS", cancellationToken: TestContext.Current.CancellationToken);
        await lis.GotoAsync(browser.Server.Sandbox.LisUrl.ToString());
        await Assertions.Expect(lis.Locator("table#handlings")).ToContainTextAsync("予降钾处理，2小时后复查");
        await Assertions.Expect(lis.Locator("table#handlings")).ToContainTextAsync("已调整治疗");

        // The quality officer sees the whole loop, step by step.
        var qc = await browser.NewPageAsync();
        await new PortalPages(qc, browser.Server.PortalUrl).SignInAsync("qc", PortalServer.Password, "alerts");
        var row = qc.GetByTestId("alert-review-table").Locator("tbody tr").Filter(new() { HasText = "予降钾处理" });
        await Assertions.Expect(row).ToContainTextAsync("已处理");
        foreach (var kind in new[] { "routed", "acknowledged", "handled", "delivered" })
            await Assertions.Expect(row.Locator($"li[data-kind={kind}]")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(qc, "alert-log-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(qc, "the critical-value log");
    }

    [Fact]
    public async Task With_the_portal_panel_closed_the_his_page_itself_shows_the_alert_and_opens_the_handling()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");
        await Assertions.Expect(page.Locator("iframe[data-workstation=badge][data-live=true]")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => document.getElementById('portal-panel').style.display = 'none'");

        var eventId = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(202, (int)(await PostCriticalValueAsync(eventId)).StatusCode);

        var banner = page.Locator("[data-workstation=alert-banner]");
        await Assertions.Expect(banner).ToContainTextAsync("血钾 6.8 mmol/L");
        // The banner sits in HIS's own slot: the header (hospital, 门诊/急诊/住院, doctor) stays visible and clickable.
        foreach (var selector in new[] { "#hospital", "input[name=setting][value=inpatient]", "#doctor" })
        {
            await Assertions.Expect(page.Locator(selector)).ToBeInViewportAsync();
            Assert.True(await page.Locator(selector).EvaluateAsync<bool>(
                "e => { const r = e.getBoundingClientRect(); const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return e === top || e.contains(top) || top.contains(e); }"),
                $"{selector} is covered");
        }
        await BrowserFixture.ScreenshotAsync(page, "critical-value-his-banner-zh");
        await banner.GetByRole(AriaRole.Button, new() { Name = "立即处理" }).ClickAsync();

        var dialog = his.OverlayPortal.Locator(".critical-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        foreach (var label in new[] { "患者：张伟", "项目：血钾", "结果：6.8", "单位：mmol/L" }) await dialog.GetByText(label).ClickAsync();
        await dialog.GetByTestId("acknowledge").ClickAsync();
        await dialog.GetByText("已通知患者复查").ClickAsync();
        await dialog.GetByTestId("submit-handling").ClickAsync();

        await Assertions.Expect(his.Overlay).ToHaveCountAsync(0);
        await Assertions.Expect(banner).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_result_ready_event_refreshes_the_badge_and_shows_an_unread_notice_without_reload()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("刘洋");
        await Assertions.Expect(his.Badge).Not.ToHaveAttributeAsync("data-status", "checking");
        var before = Server.Sandbox.Platform.ReportsFor(Workstation.Sandbox.Demo.DemoWorld.FindByHisId("P1005")!.Identity,
            Workstation.Sandbox.Demo.DemoWorld.Home.Code).Count(r => r.Recognisable);

        using (var http = new HttpClient { BaseAddress = Server.Sandbox.PlatformUrl })
            (await http.PostAsJsonAsync("admin/reports", new { hisId = "P1005", itemCode = "L005", institutionCode = "441300-002" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var eventId = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        var response = await PostAsync(new
        {
            eventId, type = "report-ready",
            data = new { patientId = "P1005", patientName = "刘洋", orderingDoctorId = "D001", itemName = "肾功能" },
        });
        Assert.Equal(202, (int)response.StatusCode);

        await Assertions.Expect(his.Badge.GetByTestId("badge-button")).ToContainTextAsync($"可互认报告 {before + 1} 份");
        await Assertions.Expect(his.Portal.GetByTestId("result-notes")).ToContainTextAsync("刘洋 的 肾功能 报告已出");
    }

    private PortalServer Server => browser.Server;

    private Task<HttpResponseMessage> PostCriticalValueAsync(string eventId) => PostAsync(new
    {
        eventId,
        type = "critical-value",
        data = new
        {
            patientId = "P1001", patientName = "张伟", encounterId = "E1001-OUT", itemCode = "K", itemName = "血钾", value = "6.8",
            unit = "mmol/L", referenceRange = "3.5-5.3", reportedBy = "检验科 王技师", reportedAt = DateTime.UtcNow,
            recordId = "LIS-" + eventId, orderingDoctorId = "D001", departmentCode = "NK",
        },
    });

    private async Task<HttpResponseMessage> PostAsync(object payload)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = browser.Server.PortalUrl };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/lis") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.TimestampHeader, ts);
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader, Workstation.Portal.Inbound.WebhookEndpoints.Sign(PortalServer.LisSecret, ts, body));
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
