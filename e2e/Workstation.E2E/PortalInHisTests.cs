using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

public sealed class PortalInHisTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task The_demo_his_page_shows_the_portal_inside_its_cross_origin_iframe()
    {
        var page = await browser.NewPageAsync();
        var his = new HisWorkstationPage(page);

        await his.OpenAsync(browser.Server.Sandbox.HisUrl);
        await his.SelectPatientAsync("张伟");
        var bar = his.Portal.GetByTestId("encounter-bar");
        await Assertions.Expect(bar).ToContainTextAsync("门诊");

        var origin = await his.PortalOriginAsync();
        Assert.Equal(browser.Server.PortalUrl.GetLeftPart(UriPartial.Authority), origin);
        Assert.NotEqual(browser.Server.Sandbox.HisUrl.GetLeftPart(UriPartial.Authority), origin);
        await BrowserFixture.ScreenshotAsync(page, "his-embed-zh");

        // The language switch inside the iframe works and is remembered by the frame.
        await his.Portal.Locator("button[data-testid=lang-en]").ClickAsync();
        await Assertions.Expect(bar).ToContainTextAsync("Outpatient");
        await BrowserFixture.ScreenshotAsync(page, "his-embed-en");
    }

    [Fact]
    public async Task Circuit_websockets_are_not_compressed_even_when_the_browser_offers_it()
    {
        // Each compressed WebSocket keeps its own zlib state: hundreds of KB per open badge page (circuits bench).
        using var http = new HttpClient { BaseAddress = browser.Server.PortalUrl };
        var negotiate = await http.PostAsync("_blazor/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);
        negotiate.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var token = json.RootElement.GetProperty("connectionToken").GetString();

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.DangerousDeflateOptions = new System.Net.WebSockets.WebSocketDeflateOptions(); // what Chromium offers
        var url = new UriBuilder(new Uri(browser.Server.PortalUrl, "_blazor?id=" + Uri.EscapeDataString(token!))) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
        Assert.Equal(101, (int)socket.HttpStatusCode);
        Assert.False(socket.HttpResponseHeaders!.ContainsKey("Sec-WebSocket-Extensions"),
            "permessage-deflate was negotiated: " + string.Join(",", socket.HttpResponseHeaders!.GetValueOrDefault("Sec-WebSocket-Extensions") ?? []));
    }

    [Fact]
    public async Task The_portal_fits_a_narrow_side_panel_without_horizontal_scrolling()
    {
        var page = await browser.NewPageAsync(width: 320, height: 480);
        await page.GotoAsync(new Uri(browser.Server.PortalUrl, "embed").ToString());
        await Assertions.Expect(page.GetByTestId("embed-waiting")).ToBeVisibleAsync();

        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");

        Assert.False(overflow);
        await BrowserFixture.ScreenshotAsync(page, "embed-side-panel-320");
    }
}
