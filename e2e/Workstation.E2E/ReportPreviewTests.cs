using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

public sealed class ReportPreviewTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task Lab_staff_open_a_report_preview_and_see_its_pages_in_chinese_and_english()
    {
        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        await portal.SignInAsync("lab", PortalServer.Password, "reports/preview");
        await portal.WaitInteractiveAsync();

        var image = page.GetByTestId("report-page");
        await Assertions.Expect(image).ToHaveAttributeAsync("src", "/reports/L20261125-0001/pages/1.png");
        await WaitLoadedAsync(image);
        await Assertions.Expect(page.GetByTestId("page-number")).ToHaveTextAsync("第 1 页 / 共 1 页");
        await BrowserFixture.ScreenshotAsync(page, "report-preview-zh");

        // The 60-row panel: two pages, the second one reached with the page buttons.
        await page.GetByTestId("report-L20261125-0002").ClickAsync();
        await Assertions.Expect(page.GetByTestId("page-number")).ToHaveTextAsync("第 1 页 / 共 2 页");
        await page.GetByTestId("page-next").ClickAsync();
        await Assertions.Expect(image).ToHaveAttributeAsync("src", "/reports/L20261125-0002/pages/2.png");
        await WaitLoadedAsync(image);
        await Assertions.Expect(page.GetByTestId("report-pdf")).ToHaveAttributeAsync("href", "/reports/L20261125-0002.pdf");
        var pdf = await page.Context.APIRequest.GetAsync(new Uri(browser.Server.PortalUrl, "/reports/L20261125-0002.pdf").ToString());
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);

        await portal.ChooseEnglishAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Report preview" })).ToBeVisibleAsync();
        await page.GetByTestId("report-E20261125-0003").ClickAsync();
        await Assertions.Expect(page.GetByTestId("page-number")).ToHaveTextAsync("Page 1 of 1");
        await Assertions.Expect(image).ToHaveAttributeAsync("src", "/reports/E20261125-0003/pages/1.png");
        await WaitLoadedAsync(image);
        await BrowserFixture.ScreenshotAsync(page, "report-preview-en");
    }

    /// <summary>The image really arrived and decoded (a broken image has a natural width of 0).</summary>
    private static async Task WaitLoadedAsync(ILocator image)
    {
        // Waits (up to the default timeout) for the current src to arrive: right after a click the element may still
        // show the previous page or be between two sources, so a single look is not enough.
        await image.Page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 500", await image.ElementHandleAsync());
        Assert.True(await image.EvaluateAsync<int>("img => img.naturalWidth") > 500);
    }
}
