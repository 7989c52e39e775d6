using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Workstation.E2E.Pages;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.E2E;

/// <summary>The doctor's path, in the demo HIS page with the portal in its cross-origin iframe.</summary>
[Collection(DoctorCollection.Name)]
public sealed class DoctorWorkflowTests(BrowserFixture browser) : IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    private PortalServer Server => browser.Server;

    private int RecognisableCount(string hisId) =>
        Server.Sandbox.Platform.ReportsFor(DemoWorld.FindByHisId(hisId)!.Identity, DemoWorld.Home.Code).Count(r => r.Recognisable);

    [Fact]
    public async Task Green_badge_with_the_count_opens_the_list_and_a_report()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");

        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");
        var button = his.Badge.GetByTestId("badge-button");
        await Assertions.Expect(button).ToContainTextAsync($"可互认报告 {RecognisableCount("P1001")} 份");
        await Assertions.Expect(button).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-badge-green-zh");
        var portal = await Accessibility.FrameAsync(his.Page, "iframe[data-workstation=badge]");
        await Accessibility.AssertNoSeriousViolationsAsync(portal, "the embedded badge");

        await button.ClickAsync();
        var rows = his.Portal.GetByTestId("report-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        Assert.Contains(await rows.AllInnerTextsAsync(), r => r.Contains("已过期")); // expired results shown, not recognisable
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-list-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(portal, "the recognisable list");

        await rows.Filter(new() { HasText = "血常规" }).First.ClickAsync();
        await Assertions.Expect(his.Portal.GetByTestId("report-title")).ToContainTextAsync("血常规");
        await Assertions.Expect(his.Portal.GetByTestId("lab-results")).ToContainTextAsync("白细胞");
        await Assertions.Expect(his.Portal.GetByTestId("report-pdf")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-report-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(portal, "the report view");

        await his.Portal.Locator("button[data-testid=lang-en]").ClickAsync();
        await Assertions.Expect(his.Badge).ToContainTextAsync("recognisable reports");
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-badge-en");
    }

    [Fact]
    public async Task A_patient_without_results_elsewhere_gets_a_grey_disabled_badge()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("王芳");

        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "none");
        await Assertions.Expect(his.Badge.GetByTestId("badge-button")).ToBeDisabledAsync();
        await Assertions.Expect(his.Badge).ToContainTextAsync("无可互认报告");
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-badge-grey-zh");
    }

    [Fact]
    public async Task Ordering_duplicates_forces_a_decision_that_escape_and_backdrop_cannot_dismiss()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");

        // 血常规 was done 2 days ago at another hospital: the dialog is forced.
        await his.AddItemAsync("L001");
        await Assertions.Expect(his.Overlay).ToBeVisibleAsync();
        var dialog = his.OverlayPortal.Locator(".mud-dialog.decision-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("血常规");
        await BrowserFixture.ScreenshotAsync(page, "doctor-decision-dialog-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(await Accessibility.FrameAsync(page, "div[data-workstation=overlay] iframe"), "the decision dialog");

        await page.Keyboard.PressAsync("Escape");
        await page.Mouse.ClickAsync(5, 5); // the HIS overlay's backdrop
        await his.OverlayPortal.Locator(".mud-overlay").First.ClickAsync(new() { Position = new() { X = 3, Y = 3 }, Force = true });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(his.Overlay).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator(".mud-dialog-close, button[aria-label=Close]")).ToHaveCountAsync(0);

        // Declining needs a reason.
        // Each step waits for what the doctor sees before the next click (the page answers over the circuit).
        await dialog.GetByTestId("choose-decline").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("choose-decline")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(dialog.GetByTestId("decline-reasons")).ToBeVisibleAsync();
        await dialog.GetByTestId("decision-submit").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("line-error")).ToContainTextAsync("至少选择一个");
        await dialog.GetByText("患者要求").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("line-error")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "doctor-decline-reason-zh");
        await dialog.GetByTestId("decision-submit").ClickAsync();

        await Assertions.Expect(his.Overlay).ToHaveCountAsync(0);
        await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("不互认");

        // 胸部CT (20 days ago, valid 90): recognise → the report is downloaded and kept.
        await his.AddItemAsync("E002");
        await Assertions.Expect(his.Overlay).ToBeVisibleAsync();
        await his.OverlayPortal.GetByTestId("choose-recognise").ClickAsync();
        await his.OverlayPortal.GetByTestId("decision-submit").ClickAsync();
        await Assertions.Expect(his.Overlay).ToHaveCountAsync(0);
        await Assertions.Expect(his.LineStatus(1)).ToContainTextAsync("已互认");

        // A line with no duplicate passes straight through.
        await his.AddItemAsync("E010");
        await Assertions.Expect(his.LineStatus(2)).ToContainTextAsync("无重复");

        await his.SaveOrderAsync();
        await Assertions.Expect(his.OrderStatus).ToHaveTextAsync("处方已保存");
        var saved = Server.Sandbox.His.Orders.Last();
        Assert.Equal(["L001", "E010"], saved.Lines.Select(l => l.ItemCode));
        Assert.Equal("ok", saved.ValidationStatus);

        // The report is downloaded at 互认, or by the background retry when the platform was slow to send the PDF.
        await Eventually.UntilAsync(async () => (await ApiAsync($"/api/v1/encounters/E1001-OUT/reports")).EnumerateArray()
            .Any(r => r.GetProperty("itemCode").GetString() == "E002"), "the recognised CT report to be retained", cancellationToken: TestContext.Current.CancellationToken);
        var decisions = await ApiAsync($"/api/v1/encounters/E1001-OUT/decisions");
        var decline = decisions.EnumerateArray().Single(d => d.GetProperty("itemCode").GetString() == "L001");
        Assert.Equal("decline", decline.GetProperty("choice").GetString());
        Assert.Equal("PATIENT_REQUEST", decline.GetProperty("reasonCodes")[0].GetString());
        Assert.Equal("L001", decline.GetProperty("lineId").GetString());
    }

    [Fact]
    public async Task With_the_platform_down_the_badge_is_amber_and_the_order_proceeds_as_not_checked()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(Server.Sandbox.HisUrl);
        Server.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            await his.SelectPatientAsync("李娜", "emergency");
            await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "notchecked");
            await Assertions.Expect(his.Badge).ToContainTextAsync("未核验");
            await Assertions.Expect(his.Badge.GetByTestId("badge-reason")).ToContainTextAsync("互认平台");
            await BrowserFixture.ScreenshotAsync(his.Page, "doctor-badge-amber-zh");
            await Accessibility.AssertNoSeriousViolationsAsync(await Accessibility.FrameAsync(his.Page, "iframe[data-workstation=badge]"), "the amber badge");

            await his.AddItemAsync("L001");
            await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("未核验");
            await his.SaveOrderAsync();
            await Assertions.Expect(his.OrderStatus).ToHaveTextAsync("处方已保存");
            Assert.Equal("not-checked", Server.Sandbox.His.Orders.Last().ValidationStatus);
        }
        finally
        {
            Server.Sandbox.Platform.Faults = PlatformFaults.None;
        }
        // Back up: the portal's recovery probe notices within seconds and the amber badge re-checks by itself (no click).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");
        TestContext.Current.SendDiagnosticMessage($"badge green {watch.ElapsedMilliseconds} ms after the platform returned");
    }

    [Fact]
    public async Task A_line_added_during_an_outage_becomes_a_late_duplicate_in_the_portal_and_in_the_his_line_when_the_platform_returns()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(Server.Sandbox.HisUrl);
        Server.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            await his.SelectPatientAsync("张伟", "emergency"); // an encounter of its own: no earlier decision covers the line
            await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "notchecked");
            await his.AddItemAsync("L001"); // 血常规: done 2 days ago elsewhere, but nobody can tell now
            await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("未核验");
        }
        finally
        {
            Server.Sandbox.Platform.Faults = PlatformFaults.None;
        }

        var notice = his.Portal.GetByTestId("late-duplicate");
        await Assertions.Expect(notice).ToContainTextAsync("医嘱草稿");
        await Assertions.Expect(notice).ToContainTextAsync("血常规（第 L001 行）");
        await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("需互认决定");
        await BrowserFixture.ScreenshotAsync(his.Page, "doctor-late-duplicate-zh");

        await notice.GetByTestId("late-decide").ClickAsync();
        var dialog = his.Portal.Locator(".mud-dialog.decision-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("血常规");
        await dialog.GetByTestId("choose-recognise").ClickAsync();
        await dialog.GetByTestId("decision-submit").ClickAsync();

        await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("已互认");
        await Assertions.Expect(notice).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_server_to_server_launch_code_works_and_a_patient_switch_never_shows_the_previous_patient()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(Server.Sandbox.HisUrl, launchMode: "code");
        await his.SelectPatientAsync("张伟", "inpatient");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");

        await his.SelectPatientAsync("陈明", "inpatient");
        await Assertions.Expect(his.Portal.GetByTestId("encounter-bar")).Not.ToContainTextAsync("张伟");
        await Assertions.Expect(his.Portal.GetByTestId("encounter-bar")).ToContainTextAsync("住院");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "none"); // 陈明 has only expired results
    }

    [Fact]
    public async Task A_report_link_from_an_ehr_card_opens_the_portal_on_that_report_and_back_shows_the_list()
    {
        // Where a CDS Hooks card's report link leads (tests/…/Standards/CdsHooksTests.cs follows the link's one-time code
        // to this address): the portal for the card's doctor and patient, opened on the report, in a window of its own.
        var patient = DemoWorld.FindByHisId("P1001")!;
        var report = Server.Sandbox.Platform.ReportsFor(patient.Identity, DemoWorld.Home.Code).First(r => r.Recognisable && r.ItemName == "血常规");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.PortalUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", PortalServer.ApiKey);
        var launch = await http.PostAsJsonAsync("/api/v1/launch", new
        {
            context = new
            {
                doctorId = "D001", doctorName = "李医生", departmentCode = "NK", departmentName = "内科", patientId = "P1001", idType = "01",
                idNumber = patient.Identity.IdNumber, patientName = "张伟", encounterId = "E-EHR-LINK", setting = "outpatient",
            },
        }, TestContext.Current.CancellationToken);
        launch.EnsureSuccessStatusCode();
        var code = (await launch.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("url").GetString()!;
        using var redeemed = await http.GetAsync(code, TestContext.Current.CancellationToken);
        var embed = new Uri(Server.PortalUrl, redeemed.Headers.Location!) + "&report=" + Uri.EscapeDataString(report.ReportId);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(embed);
        await Assertions.Expect(page.GetByTestId("report-title")).ToContainTextAsync("血常规");
        await Assertions.Expect(page.GetByTestId("lab-results")).ToContainTextAsync("白细胞");
        await Assertions.Expect(page.GetByTestId("report-view")).ToContainTextAsync(report.InstitutionName);
        // Headless Chromium, like many HIS browsers, shows no PDF in the frame: the file can be downloaded.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-pdf-download").ClickAsync());
        Assert.Equal($"{report.ReportId}.pdf", download.SuggestedFilename);
        var file = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(file, 0, 4));
        await BrowserFixture.ScreenshotAsync(page, "ehr-report-link-zh");

        await page.Locator("button[data-testid=lang-en]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-view")).ToContainTextAsync("Back to list");
        await BrowserFixture.ScreenshotAsync(page, "ehr-report-link-en");
        await page.GetByTestId("report-view").GetByRole(AriaRole.Button, new() { Name = "Back to list" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-row").First).ToBeVisibleAsync();
    }

    private async Task<JsonElement> ApiAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = Server.PortalUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", PortalServer.ApiKey);
        return await http.GetFromJsonAsync<JsonElement>(path);
    }
}

[CollectionDefinition(Name)]
public sealed class DoctorCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "doctor";
}
