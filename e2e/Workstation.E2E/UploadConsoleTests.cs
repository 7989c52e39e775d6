using Microsoft.Playwright;
using Workstation.E2E.Pages;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.E2E;

/// <summary>Lab staff upload approved reports: the queue, a bulk approval with progress, a failure with the platform's
/// words, a retry, a revocation.</summary>
public sealed class UploadConsoleTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    private PortalServer Server => browser.Server;

    [Fact]
    public async Task Lab_staff_upload_a_batch_with_progress_see_a_failure_retry_it_and_revoke_a_report()
    {
        var reports = Server.Sandbox.Lis.Reports;
        var numbers = new List<string>();
        foreach (var hisId in new[] { "P1001", "P1002", "P1003" })
        {
            var report = reports.Create(DemoWorld.FindByHisId(hisId)!);
            Assert.Equal(202, await reports.ApproveAsync(report, TestContext.Current.CancellationToken));
            numbers.Add(report.Header.ReportNumber);
        }

        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, Server.PortalUrl);
        await portal.SignInAsync("lab", PortalServer.Password, "uploads");
        await portal.WaitInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("count-awaiting")).ToHaveAttributeAsync("data-count", "3");
        await page.GetByTestId("dictionary-resync").ClickAsync();
        await Assertions.Expect(page.GetByTestId("dictionary-result")).ToContainTextAsync("科室 5 条、人员 5 条，本次排队上传 10 条");
        await Row(page, numbers[0]).Locator("[data-testid=select-row]").ClickAsync();
        await Row(page, numbers[1]).Locator("[data-testid=select-row]").ClickAsync();

        // The platform is down while the batch goes: the reports wait and say why, in the platform's words.
        Server.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            await page.GetByTestId("approve-selected").ClickAsync();
            await Assertions.Expect(page.GetByTestId("upload-progress")).ToBeVisibleAsync();
            await Assertions.Expect(Row(page, numbers[0])).ToHaveAttributeAsync("data-status", "retrying");
            await Row(page, numbers[0]).ClickAsync();
            await Assertions.Expect(page.GetByTestId("failure-reason")).ToContainTextAsync("互认平台暂时无法访问（HTTP 503）");
            await BrowserFixture.ScreenshotAsync(page, "uploads-failure-zh");
        }
        finally
        {
            Server.Sandbox.Platform.Faults = PlatformFaults.None;
        }

        await page.GetByTestId("retry").ClickAsync();
        await Assertions.Expect(Row(page, numbers[0])).ToHaveAttributeAsync("data-status", "uploaded");
        await Assertions.Expect(Row(page, numbers[1])).ToHaveAttributeAsync("data-status", "uploaded");
        await Assertions.Expect(page.GetByTestId("upload-progress")).ToHaveAttributeAsync("data-done", "6");
        Assert.Contains(Server.Sandbox.Platform.Uploads, e => e.Operation == "pdf" && e.Key == numbers[0]);
        await Assertions.Expect(page.GetByTestId("upload-preview")).ToBeVisibleAsync();
        Assert.True(await page.GetByTestId("upload-preview").EvaluateAsync<bool>("async img => { await img.decode(); return img.naturalWidth > 0; }"));
        await BrowserFixture.ScreenshotAsync(page, "uploads-batch-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the upload console");

        // Revoke an uploaded report: the platform gets the revocation after the upload.
        await page.Locator("[data-testid=revoke-reason] input, input[data-testid=revoke-reason]").First.FillAsync("标本错误，报告作废");
        await page.GetByTestId("revoke").ClickAsync();
        await Assertions.Expect(Row(page, numbers[0])).ToHaveAttributeAsync("data-status", "revoked");
        Assert.Contains(Server.Sandbox.Platform.Uploads, e => e.Operation == "revoke" && e.Key == numbers[0]);

        await page.Locator("button[data-testid=lang-en]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("count-awaiting")).ToContainTextAsync("Awaiting approval");
        await BrowserFixture.ScreenshotAsync(page, "uploads-en");
    }

    private static ILocator Row(IPage page, string number) => page.Locator($"[data-testid=upload-row][data-report='{number}']");
}
