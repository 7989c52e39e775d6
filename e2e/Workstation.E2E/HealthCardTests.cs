using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

/// <summary>Seed 004 in the demo HIS: 刷卡 at 就诊 switches the workstation (and the embedded portal) to the card's
/// holder; a blacklisted card is refused in the HIS page with the reason.</summary>
public sealed class HealthCardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task Reading_a_card_at_consultation_switches_the_patient_and_the_embedded_portal_follows()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");

        await his.ReadCardAsync("李娜", "consultation");

        await Assertions.Expect(his.CardStatus).ToContainTextAsync("李娜：就诊刷卡通过");
        await Assertions.Expect(page.Locator("#patient-header")).ToContainTextAsync("李娜");
        await Assertions.Expect(his.Portal.GetByTestId("patient-name")).ToHaveTextAsync("李娜");
        await BrowserFixture.ScreenshotAsync(page, "his-health-card-switch-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "HIS page after 刷卡");
    }

    [Fact]
    public async Task A_blacklisted_card_is_refused_in_the_his_page_with_the_reason()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");

        await his.ReadCardAsync("刘洋", "registration");

        await Assertions.Expect(his.CardStatus).ToContainTextAsync("拒绝用卡（刘洋）：该居民健康卡在省级黑名单中（挂失），不能用于挂号");
        await Assertions.Expect(page.Locator("#patient-header")).ToContainTextAsync("张伟");
        await Assertions.Expect(his.Portal.GetByTestId("patient-name")).ToHaveTextAsync("张伟");
        await BrowserFixture.ScreenshotAsync(page, "his-health-card-refused-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "HIS page with a refused card");
    }

    [Fact]
    public async Task The_admin_page_shows_the_blacklist_state_usage_by_scene_and_refusals()
    {
        var his = new HisWorkstationPage(await browser.NewPageAsync());
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.ReadCardAsync("刘洋", "dispensing");
        await Assertions.Expect(his.CardStatus).ToContainTextAsync("黑名单");

        var page = await browser.NewPageAsync();
        await new PortalPages(page, browser.Server.PortalUrl).SignInAsync("admin", PortalServer.Password, "admin/health-card");
        await Assertions.Expect(page.GetByTestId("blacklist-version")).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("blacklist-health")).ToContainTextAsync("已同步");
        await Assertions.Expect(page.GetByTestId("refusal-table")).ToContainTextAsync("省级黑名单 · 挂失");
        await Assertions.Expect(page.GetByTestId("usage-table")).ToContainTextAsync("取药");
        await BrowserFixture.ScreenshotAsync(page, "admin-health-card-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "health card admin page");
    }
}
