using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

public sealed class StaffPortalTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task Lab_staff_signs_in_and_sees_the_platform_connected()
    {
        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, browser.Server.PortalUrl);

        await portal.SignInAsync("lab", PortalServer.Password);

        await Assertions.Expect(page.GetByTestId("welcome")).ToContainTextAsync("李敏");
        await Assertions.Expect(page.GetByTestId("platform-status").Locator("[data-state=online]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "home-lab-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "home-lab-zh");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_plain_message()
    {
        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, browser.Server.PortalUrl);

        await portal.SignInAsync("qc", "not-the-password");

        await Assertions.Expect(page.GetByTestId("login-error")).ToHaveTextAsync("用户名或密码错误。");
        await BrowserFixture.ScreenshotAsync(page, "login-error-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "login-error-zh");
    }

    [Fact]
    public async Task Language_switches_to_english_and_is_remembered_after_reload()
    {
        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        await portal.SignInAsync("qc", PortalServer.Password, "catalogue");
        await Assertions.Expect(portal.Title).ToHaveTextAsync("检查检验结果互认工作站");
        await portal.WaitInteractiveAsync();

        await portal.ChooseEnglishAsync();
        await Assertions.Expect(portal.Title).ToHaveTextAsync("Exam & Lab Result Recognition");
        await Assertions.Expect(page.GetByTestId("catalogue-table")).ToContainTextAsync("Complete blood count");
        await BrowserFixture.ScreenshotAsync(page, "catalogue-en");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "catalogue-en");

        await page.ReloadAsync();
        await Assertions.Expect(portal.Title).ToHaveTextAsync("Exam & Lab Result Recognition");
    }

    [Fact]
    public async Task Catalogue_search_narrows_the_list()
    {
        var page = await browser.NewPageAsync();
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        await portal.SignInAsync("admin", PortalServer.Password, "catalogue");
        await portal.WaitInteractiveAsync();

        await page.Locator("input[data-testid=catalogue-search], [data-testid=catalogue-search] input").First.FillAsync("彩超");

        var rows = page.GetByTestId("catalogue-table").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("彩超");
        Assert.All(await rows.AllInnerTextsAsync(), r => Assert.Contains("彩超", r));
        await BrowserFixture.ScreenshotAsync(page, "catalogue-search-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "catalogue-search-zh");
    }
}
