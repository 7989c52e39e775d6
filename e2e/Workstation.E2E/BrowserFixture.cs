using Microsoft.Playwright;

namespace Workstation.E2E;

/// <summary>Debian's Chromium driven by Playwright (Playwright cannot download its own browser here), plus a running
/// portal. Shared by the tests of one class; every test gets its own browser context.</summary>
public class BrowserFixture : IAsyncLifetime
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("WORKSTATION_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>How long a browser step may take on a busy CI machine before the test fails (ms). Only a bound on
    /// how long a broken test takes to say what it waited for; speed is measured by the benchmarks.</summary>
    public const int Patience = 45_000;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public PortalServer Server { get; private set; } = null!;

    /// <summary>Where screenshots go; kept by CI as test artifacts.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(
        Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "artifacts", "screenshots");

    public virtual async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}. Run ./test.sh as root (it installs Debian's chromium) or set WORKSTATION_CHROMIUM.");
        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout(Patience);
        Server = await PortalServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright, ExtraArgs);
    }

    /// <summary>Debian's Chromium, headless, with the switches this machine needs.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright, IEnumerable<string> extraArgs)
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}. Run ./test.sh as root (it installs Debian's chromium) or set WORKSTATION_CHROMIUM.");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", .. extraArgs,
            ],
        });
    }

    /// <summary>Extra Chromium switches of a variant fixture.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    public async Task<IPage> NewPageAsync(int width = 1400, int height = 900, string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
        });
        context.SetDefaultTimeout(Patience);
        CurrentTrace.Watch(context);
        return await context.NewPageAsync();
    }

    private (string? Test, BrowserTrace Trace)? _trace;

    /// <summary>The running test's trace (a new one when another test of the class asks).</summary>
    private BrowserTrace CurrentTrace
    {
        get
        {
            var test = TestContext.Current.Test?.UniqueID;
            if (_trace is not { } current || current.Test != test) _trace = (test, new BrowserTrace());
            return _trace.Value.Trace;
        }
    }

    /// <summary>Called by each test class when a test ends: a failed test's report gets screenshots and what the browser
    /// and the portal logged; the test's browser contexts are closed.</summary>
    public async ValueTask AfterTestAsync()
    {
        if (_trace is not { } current || current.Test != TestContext.Current.Test?.UniqueID) return;
        _trace = null;
        await current.Trace.FinishAsync(Server?.Log);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = false, Animations = ScreenshotAnimations.Disabled });

    public virtual async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}
