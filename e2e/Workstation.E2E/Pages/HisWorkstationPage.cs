using Microsoft.Playwright;

namespace Workstation.E2E.Pages;

/// <summary>The demo HIS doctor workstation (page object), with the portal in its iframe.</summary>
public sealed class HisWorkstationPage(IPage page)
{
    public IPage Page => page;

    public IFrameLocator Portal => page.FrameLocator("#portal-frame");

    public async Task OpenAsync(Uri hisUrl)
    {
        await page.GotoAsync(hisUrl.ToString());
        await page.Locator("#patient-list button").First.WaitForAsync();
    }

    public Task SelectPatientAsync(string name) => page.Locator("#patient-list button", new() { HasText = name }).ClickAsync();

    /// <summary>The origin the iframe actually loaded, read from the frame itself.</summary>
    public async Task<string> PortalOriginAsync()
    {
        var frame = page.Frames.First(f => f.Name == "" && f != page.MainFrame && f.Url.StartsWith("http"));
        return await frame.EvaluateAsync<string>("() => location.origin");
    }
}
