using Microsoft.Playwright;

namespace Workstation.E2E.Pages;

/// <summary>The demo HIS doctor workstation (page object), with the portal in its iframe.</summary>
public sealed class HisWorkstationPage(IPage page)
{
    public IPage Page => page;

    /// <summary>The portal's badge/panel iframe that workstation-embed.js mounts.</summary>
    public IFrameLocator Portal => page.FrameLocator("iframe[data-workstation=badge]");

    /// <summary>The full-window decision overlay (HIS page element) and the portal page inside it.</summary>
    public ILocator Overlay => page.Locator("div[data-workstation=overlay]");

    public IFrameLocator OverlayPortal => page.FrameLocator("div[data-workstation=overlay] iframe");

    public ILocator Badge => Portal.GetByTestId("recognition-badge");

    public async Task OpenAsync(Uri hisUrl, string launchMode = "signed")
    {
        await page.GotoAsync(hisUrl + (launchMode == "code" ? "?launch=code" : ""));
        await page.Locator("#patient-list button").First.WaitForAsync();
    }

    public async Task SelectPatientAsync(string name, string setting = "outpatient")
    {
        await page.Locator($"input[name=setting][value={setting}]").CheckAsync();
        await page.Locator("#patient-list button", new() { HasText = name }).ClickAsync();
        await Assertions.Expect(Portal.GetByTestId("patient-name")).ToHaveTextAsync(name);
    }

    /// <summary>Adds an order line for an item (by code) the way a doctor does: pick it, press 添加.</summary>
    public async Task AddItemAsync(string itemCode)
    {
        await page.Locator("#item-select").SelectOptionAsync(itemCode);
        await page.Locator("#add-line").ClickAsync();
    }

    public ILocator LineStatus(int index) => page.Locator("#order-lines tr").Nth(index).Locator(".line-status");

    public Task SaveOrderAsync() => page.Locator("#save-order").ClickAsync();

    public ILocator OrderStatus => page.Locator("#order-status");

    /// <summary>The card reader's verdict line (刷卡).</summary>
    public ILocator CardStatus => page.Locator("#card-status");

    /// <summary>Puts the holder's simulated card on the reader and presses 刷卡 for a scene.</summary>
    public async Task ReadCardAsync(string holder, string scene)
    {
        var option = page.Locator("#card-select option", new() { HasText = holder + "的健康卡" });
        await page.Locator("#card-select").SelectOptionAsync(await option.GetAttributeAsync("value") ?? "");
        await page.Locator("#card-scene").SelectOptionAsync(scene);
        await page.Locator("#read-card").ClickAsync();
    }

    /// <summary>The origin the iframe actually loaded, read from the frame itself.</summary>
    public async Task<string> PortalOriginAsync()
    {
        var frame = page.Frames.First(f => f.Name == "" && f != page.MainFrame && f.Url.StartsWith("http"));
        return await frame.EvaluateAsync<string>("() => location.origin");
    }
}
