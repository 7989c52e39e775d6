using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Workstation.E2E.Pages;
using Workstation.Portal.Alerts;

namespace Workstation.E2E;

/// <summary>LIS reports a critical value: the doctor's portal in the HIS page blocks until read-back and handling, and the
/// handling goes back to LIS.</summary>
[Collection(DoctorCollection.Name)]
public sealed class CriticalValueTests(BrowserFixture browser)
{
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
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = 1000 }); // the "within 1 s"
        Console.WriteLine($"critical value shown {watch.ElapsedMilliseconds} ms after the webhook was posted");
        await Assertions.Expect(dialog.GetByTestId("critical-value")).ToHaveTextAsync("6.8 mmol/L");
        await BrowserFixture.ScreenshotAsync(page, "critical-value-zh");

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
        for (var i = 0; i < 20 && browser.Server.Sandbox.Lis.Handlings.All(h => !h.SourceEventId.EndsWith(eventId)); i++)
            await Task.Delay(250, TestContext.Current.CancellationToken);
        await lis.GotoAsync(browser.Server.Sandbox.LisUrl.ToString());
        await Assertions.Expect(lis.Locator("table")).ToContainTextAsync("予降钾处理，2小时后复查");
        await Assertions.Expect(lis.Locator("table")).ToContainTextAsync("已调整治疗");
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

    private async Task<HttpResponseMessage> PostCriticalValueAsync(string eventId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId,
            type = "critical-value",
            data = new
            {
                patientId = "P1001", patientName = "张伟", encounterId = "E1001-OUT", itemCode = "K", itemName = "血钾", value = "6.8",
                unit = "mmol/L", referenceRange = "3.5-5.3", reportedBy = "检验科 王技师", reportedAt = DateTime.UtcNow,
                recordId = "LIS-" + eventId, orderingDoctorId = "D001", departmentCode = "NK",
            },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = browser.Server.PortalUrl };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/lis") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookEndpoints.TimestampHeader, ts);
        request.Headers.Add(WebhookEndpoints.SignatureHeader, WebhookEndpoints.Sign(PortalServer.LisSecret, ts, body));
        return await http.SendAsync(request);
    }
}
