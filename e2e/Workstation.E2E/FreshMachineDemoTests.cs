using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Workstation.E2E.Pages;

namespace Workstation.E2E;

/// <summary>The README's run command on a machine with no fonts: <c>dotnet run --project src/Workstation.Portal</c>
/// (launch profile Demo, embedded defaults: SQLite, the simulators, the demo HIS page), with fontconfig pointed at an
/// empty folder and, when the suite runs as root (CI), <c>/usr/share/fonts</c> hidden by an empty tmpfs. Only the ports (so that a demo already running on this machine does not collide) and the database file
/// are moved; nothing else is configured.</summary>
public sealed class FreshMachineDemoTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ws-fresh-demo").FullName;
    private Process? _portal;
    private readonly List<string> _output = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task The_run_command_serves_the_demo_with_no_system_fonts()
    {
        var ct = TestContext.Current.CancellationToken;
        var (portal, platform, his, lis, cards, ehr) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        StartDemo(portal, platform, his, lis, cards, ehr);
        var portalUrl = new Uri($"http://localhost:{portal}/");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // Ready and healthy: database, platform and the health-card blacklist (its first sync runs once the host,
        // with the in-process card system, has started).
        string? status = null;
        await Eventually.UntilAsync(async () =>
        {
            if (_portal!.HasExited)
            {
                await _portal.WaitForExitAsync(ct); // its last output (the reason it stopped) is still being read
                throw new InvalidOperationException($"The portal exited with {_portal.ExitCode}:\n{Output()}");
            }
            try
            {
                using var ready = await http.GetAsync(new Uri(portalUrl, "health/ready"), ct);
                if (ready.StatusCode != HttpStatusCode.OK) return false;
                using var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct));
                status = health.RootElement.GetProperty("status").GetString();
                return status == "Healthy";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "/health/ready to answer 200 Healthy", TimeSpan.FromSeconds(120), ct);
        Assert.DoesNotContain("cannot start", Output());
        // Every first call to a simulator waits for the host to have started: no start-up warning about the card system.
        Assert.DoesNotContain("Blacklist sync failed", Output());

        var hisUrl = new Uri($"http://127.0.0.1:{his}/");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(hisUrl, ct)).StatusCode);

        // A doctor in the demo HIS page: a signed launch of the portal in its iframe shows the badge.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserFixture.LaunchChromiumAsync(playwright, []);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var workstation = new HisWorkstationPage(page);
        await workstation.OpenAsync(hisUrl);
        await workstation.SelectPatientAsync("张伟");
        await Assertions.Expect(workstation.Badge).ToHaveAttributeAsync("data-status", "available", new() { Timeout = 60_000 });
        await BrowserFixture.ScreenshotAsync(page, "fresh-machine-demo-zh");

        // Lab staff sign in with the demo's login; a report PDF is drawn with the font Workstation brings.
        var staff = await context.NewPageAsync();
        var portalPages = new PortalPages(staff, portalUrl);
        await portalPages.SignInAsync("lab", "Demo@2026", "reports/preview");
        await Assertions.Expect(staff.GetByTestId("report-page")).ToBeVisibleAsync();
        var pdf = await staff.Context.APIRequest.GetAsync(new Uri(portalUrl, "/reports/L20261125-0001.pdf").ToString());
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        var body = await pdf.BodyAsync();
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(body, 0, 4));
        Assert.Contains("WenQuanYiMicroHei", System.Text.Encoding.Latin1.GetString(body)); // the embedded font's name

        // The demo EHR, a CDS Hooks 2.0 client registered in the demo configuration: selecting a duplicate order gets
        // the portal's warning card; order-sign repeats it until decided; declining it with a coded reason is recorded
        // (the page marks the order only on the feedback endpoint's 200); signing then goes through.
        var ehrPage = await context.NewPageAsync();
        await ehrPage.GotoAsync($"http://127.0.0.1:{ehr}/");
        await ehrPage.Locator("#patient-list button", new() { HasText = "张伟" }).ClickAsync();
        await ehrPage.Locator("#item-select").SelectOptionAsync("L001");
        await ehrPage.Locator("#add-order").ClickAsync();
        var card = ehrPage.GetByTestId("cds-card");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-indicator", "warning");
        await Assertions.Expect(card.Locator(".summary")).ToContainTextAsync("血常规");
        await Assertions.Expect(card.Locator(".detail")).ToContainTextAsync("互认有效期至");
        await Assertions.Expect(ehrPage.Locator("#draft-orders tr[data-order=sr-1]")).ToHaveAttributeAsync("data-state", "pending");
        await BrowserFixture.ScreenshotAsync(ehrPage, "demo-ehr-cds-card-zh");
        // The card's report link opens the portal on that report (a fresh launch at the click).
        var reportTab = await context.RunAndWaitForPageAsync(() => card.Locator(".links a").First.ClickAsync());
        await Assertions.Expect(reportTab.GetByTestId("report-title")).ToContainTextAsync("血常规");
        await reportTab.CloseAsync();
        await ehrPage.Locator("#sign-orders").ClickAsync();
        await Assertions.Expect(ehrPage.Locator("#sign-status")).ToContainTextAsync("尚未决定"); // order-sign: the same card until decided
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await card.Locator("[data-action=override]").ClickAsync();
        await Assertions.Expect(card.Locator(".error")).ToContainTextAsync("请选择不互认原因");
        await card.Locator("[data-action=reason]").SelectOptionAsync("PATIENT_REQUEST");
        await card.Locator("[data-action=override]").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(ehrPage.Locator("#draft-orders tr[data-order=sr-1]")).ToHaveAttributeAsync("data-state", "declined");
        await Assertions.Expect(ehrPage.Locator("#draft-orders tr[data-order=sr-1] .state")).ToContainTextAsync("患者要求");
        await ehrPage.Locator("#sign-orders").ClickAsync();
        await Assertions.Expect(ehrPage.Locator("#sign-status")).ToContainTextAsync("医嘱已签署");
        await BrowserFixture.ScreenshotAsync(ehrPage, "demo-ehr-signed-zh");
    }

    private void StartDemo(int portal, int platform, int his, int lis, int cards, int ehr)
    {
        var root = Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot();
        var emptyFonts = Directory.CreateDirectory(Path.Combine(_dir, "fonts")).FullName;
        var fontConfig = Path.Combine(_dir, "fonts.conf");
        File.WriteAllText(fontConfig, $"""
            <?xml version="1.0"?>
            <fontconfig><dir>{emptyFonts}</dir><cachedir>{Path.Combine(_dir, "fontcache")}</cachedir></fontconfig>
            """);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (Environment.IsPrivilegedProcess && Directory.Exists("/usr/share/fonts"))
        {
            // As root (CI): the system fonts are hidden outright, in a mount namespace of the portal's own, as on a
            // machine that never had a font installed.
            start.FileName = "unshare";
            foreach (var arg in new[] { "-m", "sh", "-c", "mount -t tmpfs none /usr/share/fonts && exec \"$0\" \"$@\"", "dotnet" }) start.ArgumentList.Add(arg);
        }
        // The README's command; --no-build and the configuration only because the suite has just built it.
        foreach (var arg in new[] { "run", "--project", "src/Workstation.Portal", "--no-build", "-c", configuration, "--" }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["Urls"] = $"http://localhost:{portal}",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(_dir, "workstation.db")}",
            ["Sandbox:PlatformPort"] = $"{platform}",
            ["Sandbox:HisPort"] = $"{his}",
            ["Sandbox:LisPort"] = $"{lis}",
            ["Sandbox:CardPort"] = $"{cards}",
            ["Platform:BaseUrl"] = $"http://127.0.0.1:{platform}/",
            ["His:Clients:0:Origins:0"] = $"http://127.0.0.1:{his}",
            ["Alerts:LisBaseUrl"] = $"http://127.0.0.1:{lis}/",
            ["Uploads:LisBaseUrl"] = $"http://127.0.0.1:{lis}/",
            ["Uploads:HisBaseUrl"] = $"http://127.0.0.1:{his}/",
            ["BloodUse:HisBaseUrl"] = $"http://127.0.0.1:{his}/",
            ["BloodUse:AllowedOrigins:0"] = $"http://127.0.0.1:{his}",
            ["HealthCard:CardSystemBaseUrl"] = $"http://127.0.0.1:{cards}/",
            ["Sandbox:EhrPort"] = $"{ehr}",
            ["CdsHooks:PublicBaseUrl"] = $"http://localhost:{portal}",
            ["CdsHooks:Clients:0:Issuer"] = $"http://127.0.0.1:{ehr}",
            ["CdsHooks:Clients:0:JwksUrl"] = $"http://127.0.0.1:{ehr}/jwks.json",
        }) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["FONTCONFIG_FILE"] = fontConfig;
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT"); // the launch profile sets Demo, as for a newcomer
        _portal = Process.Start(start)!;
        _portal.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _portal.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _portal.BeginOutputReadLine();
        _portal.BeginErrorReadLine();
    }

    private string Output()
    {
        lock (_output) return string.Join('\n', _output.TakeLast(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (_portal is { HasExited: false })
        {
            _portal.Kill(entireProcessTree: true);
            await _portal.WaitForExitAsync();
        }
        var log = Path.Combine(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "artifacts", "fresh-machine-demo.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        lock (_output) File.WriteAllLines(log, _output);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
