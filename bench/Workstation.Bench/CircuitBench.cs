using System.Diagnostics;
using System.Runtime;
using Microsoft.Playwright;

namespace Workstation.Bench;

/// <summary>Memory per idle Blazor circuit: N doctors' badge pages (the embedded portal page of a launch session,
/// each its own interactive circuit) open in Chromium at once, idle, against the portal in this process. Measured as
/// the growth of this process after a full compacting GC: managed heap and private bytes, divided by N. The figure
/// includes the Playwright client's few objects per page (it runs in this process), so it is an upper bound.</summary>
public static class CircuitBench
{
    public static async Task RunAsync(BenchEnvironment env, int circuits)
    {
        var chromium = Environment.GetEnvironmentVariable("WORKSTATION_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Console.WriteLine($"Circuit benchmark not run: Chromium not found at {chromium} (./test.sh installs it).");
            return;
        }
        var tokens = await AlertBench.IssueSessionsAsync(env.Portal, circuits);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--renderer-process-limit=16"],
        });
        // The badge strip size a HIS gives the portal. A browser context per 100 pages: Chromium caps the WebSockets of
        // one profile (255), as it would for 500 doctors' own browsers.
        var contexts = new List<IBrowserContext>();
        async Task<IBrowserContext> ContextFor(int index)
        {
            var n = index / 100;
            while (contexts.Count <= n)
                contexts.Add(await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 420, Height = 120 }, Locale = "zh-CN" }));
            return contexts[n];
        }
        var context = await ContextFor(0);

        // Warm up (JIT, caches, the first circuit's one-off allocations), then the baseline.
        var warm = await OpenAsync(context, env, tokens[0]);
        var before = Measure();

        var watch = Stopwatch.StartNew();
        var pages = new List<IPage> { warm };
        using var gate = new SemaphoreSlim(8);
        var failed = 0;
        for (var i = 0; i < circuits; i += 100) await ContextFor(i);
        await Task.WhenAll(tokens.Skip(1).Select(async (token, index) =>
        {
            await gate.WaitAsync();
            try
            {
                var page = await OpenAsync(contexts[(index + 1) / 100], env, token);
                lock (pages)
                {
                    pages.Add(page);
                    if (pages.Count % 100 == 0) Console.WriteLine($"  {pages.Count} circuits open ({watch.Elapsed.TotalSeconds:F0} s)");
                }
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                gate.Release();
            }
        }));
        var opened = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10)); // idle: every circuit rendered, nothing happening
        var after = Measure();
        var added = pages.Count - 1;

        Console.WriteLine();
        Console.WriteLine($"Idle Blazor circuits: {pages.Count} badge pages open in Chromium ({failed} failed to open; opened in {opened.TotalSeconds:F0} s)");
        Console.WriteLine($"managed heap {before.Managed / 1048576.0:F1} → {after.Managed / 1048576.0:F1} MiB: {(after.Managed - before.Managed) / 1024.0 / added:F1} KiB per circuit");
        Console.WriteLine($"private bytes {before.Private / 1048576.0:F1} → {after.Private / 1048576.0:F1} MiB: {(after.Private - before.Private) / 1024.0 / added:F1} KiB per circuit (goal ≤ 150 KB)");
        Console.WriteLine($"working set {before.WorkingSet / 1048576.0:F1} → {after.WorkingSet / 1048576.0:F1} MiB: {(after.WorkingSet - before.WorkingSet) / 1024.0 / added:F1} KiB per circuit");
        if (int.TryParse(Environment.GetEnvironmentVariable("WORKSTATION_BENCH_HOLD"), out var hold))
        {
            Console.WriteLine($"holding the circuits open for {hold} s (process {Environment.ProcessId}): e.g. dotnet-gcdump collect -p {Environment.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }
        foreach (var c in contexts) await c.CloseAsync();
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, BenchEnvironment env, string token)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(env.PortalUrl, "embed?s=" + Uri.EscapeDataString(token)).ToString());
        // Interactive and settled: any final badge (green, grey, or amber when the platform simulator is too slow under
        // this load); the circuit is what is measured.
        await page.Locator("[data-testid=recognition-badge]:not([data-status=checking])").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }

    private static (long Managed, long Private, long WorkingSet) Measure()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), self.PrivateMemorySize64, self.WorkingSet64);
    }
}
