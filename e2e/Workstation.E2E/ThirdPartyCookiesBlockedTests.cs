using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

/// <summary>Chromium with third-party cookies blocked, as many HIS embedded browsers behave.</summary>
public sealed class NoThirdPartyCookiesFixture : BrowserFixture
{
    protected override IEnumerable<string> ExtraArgs => ["--test-third-party-cookie-phaseout"];
}

/// <summary>The doctor's path must not depend on cookies in the cross-site iframe.</summary>
public sealed class ThirdPartyCookiesBlockedTests(NoThirdPartyCookiesFixture browser) : IClassFixture<NoThirdPartyCookiesFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task Launch_badge_and_forced_decision_work_with_third_party_cookies_blocked()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);
        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");

        // The browser really blocks cookies in the portal's cross-site frame.
        var portalFrame = page.Frames.First(f => f.Url.StartsWith(browser.Server.PortalUrl.GetLeftPart(UriPartial.Authority)));
        var stored = await portalFrame.EvaluateAsync<bool>(
            "() => { document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; return document.cookie.includes('probe=1'); }");
        Assert.False(stored);

        await his.AddItemAsync("L001");
        await Assertions.Expect(his.Overlay).ToBeVisibleAsync();
        await his.OverlayPortal.GetByTestId("choose-recognise").ClickAsync();
        await his.OverlayPortal.GetByTestId("decision-submit").ClickAsync();
        await Assertions.Expect(his.Overlay).ToHaveCountAsync(0);
        await Assertions.Expect(his.LineStatus(0)).ToContainTextAsync("已互认");

        // A reload of the portal frame resumes from the URL token (no cookie): same patient, same state.
        await portalFrame.EvaluateAsync("() => location.reload()");
        await Assertions.Expect(his.Portal.GetByTestId("patient-name")).ToHaveTextAsync("张伟");
        await Assertions.Expect(his.Badge).ToHaveAttributeAsync("data-status", "available");
    }
}
