using Microsoft.Playwright;

namespace Workstation.E2E.Pages;

/// <summary>The portal as staff use it in a full window (page object).</summary>
public sealed class PortalPages(IPage page, Uri portalUrl)
{
    public IPage Page => page;

    public async Task SignInAsync(string user, string password, string path = "")
    {
        await page.GotoAsync(new Uri(portalUrl, path).ToString());
        await page.GetByTestId("login-user").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }

    /// <summary>Waits until the Blazor circuit is interactive (the language buttons only exist then).</summary>
    public Task WaitInteractiveAsync() => page.Locator("button[data-testid=lang-en], button[data-testid=lang-zh]").First.WaitForAsync();

    public Task ChooseEnglishAsync() => page.Locator("button[data-testid=lang-en]").ClickAsync();

    public ILocator Title => page.GetByTestId("app-title");
}
