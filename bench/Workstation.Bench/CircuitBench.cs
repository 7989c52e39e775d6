using System.Diagnostics;
using System.Runtime;
using Microsoft.Playwright;

namespace Workstation.Bench;

/// <summary>Memory per idle Blazor circuit: N doctors' badge pages (the embedded portal page of a launch session,
/// each its own interactive circuit) open in Chromium at once, idle, against the portal in this process. Measured as
/// the growth of this process after a full compacting GC: managed heap and private bytes, divided by N. Chromium is
/// driven from a child process (<c>circuits-driver</c>), so the Playwright client's objects for each page (its
/// requests, responses and headers) are not counted: what is measured is the portal and the simulators.</summary>
public static class CircuitBench
{
    private static string Chromium => Environment.GetEnvironmentVariable("WORKSTATION_CHROMIUM") ?? "/usr/bin/chromium";

    public static async Task RunAsync(BenchEnvironment env, int circuits)
    {
        if (!File.Exists(Chromium))
        {
            Console.WriteLine($"Circuit benchmark not run: Chromium not found at {Chromium} (./test.sh installs it).");
            return;
        }
        var tokens = await AlertBench.IssueSessionsAsync(env.Portal, circuits);
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllLinesAsync(tokenFile, tokens);
        try
        {
            using var driver = StartDriver(env.PortalUrl, tokenFile);
            // The driver opens one page first (JIT, caches, the first circuit's one-off allocations): the baseline.
            await ExpectAsync(driver, "warm");
            var before = Measure();
            await driver.StandardInput.WriteLineAsync("go");
            var ready = await ExpectAsync(driver, "ready");
            await Task.Delay(TimeSpan.FromSeconds(10)); // idle: every circuit rendered, nothing happening
            var after = Measure();
            var parts = ready.Split(' ');
            var (open, failed, seconds) = (int.Parse(parts[1]), int.Parse(parts[2]), parts[3]);
            var added = open - 1;

            Console.WriteLine();
            Console.WriteLine($"Idle Blazor circuits: {open} badge pages open in Chromium ({failed} failed to open; opened in {seconds} s)");
            Console.WriteLine($"managed heap {before.Managed / 1048576.0:F1} → {after.Managed / 1048576.0:F1} MiB: {(after.Managed - before.Managed) / 1024.0 / added:F1} KiB per circuit (goal ≤ 150 KB, read as the circuit's managed memory)");
            Console.WriteLine($"private bytes {before.Private / 1048576.0:F1} → {after.Private / 1048576.0:F1} MiB: {(after.Private - before.Private) / 1024.0 / added:F1} KiB per circuit (the whole process, native buffers included)");
            Console.WriteLine($"working set {before.WorkingSet / 1048576.0:F1} → {after.WorkingSet / 1048576.0:F1} MiB: {(after.WorkingSet - before.WorkingSet) / 1024.0 / added:F1} KiB per circuit");
            if (int.TryParse(Environment.GetEnvironmentVariable("WORKSTATION_BENCH_HOLD"), out var hold))
            {
                Console.WriteLine($"holding the circuits open for {hold} s (process {Environment.ProcessId}): e.g. dotnet-gcdump collect -p {Environment.ProcessId}");
                await Task.Delay(TimeSpan.FromSeconds(hold));
            }
            await driver.StandardInput.WriteLineAsync("close");
            if (!driver.WaitForExit(60_000)) driver.Kill(entireProcessTree: true);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    private static Process StartDriver(Uri portal, string tokenFile)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(CircuitBench).Assembly.Location);
        foreach (var arg in new[] { "circuits-driver", portal.ToString(), tokenFile }) start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("circuit driver did not start");
    }

    // Reads the driver's lines (echoing its progress) until one starts with the word expected.
    private static async Task<string> ExpectAsync(Process driver, string word)
    {
        while (await driver.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal)) return line;
            Console.WriteLine(line);
        }
        throw new InvalidOperationException($"circuit driver exited before '{word}' (exit code {(driver.HasExited ? driver.ExitCode : -1)})");
    }

    /// <summary>The child process: opens the badge pages in Chromium and keeps them open until told to close.
    /// Protocol on stdin/stdout: "warm" after the first page; "go" → opens the rest → "ready open failed seconds";
    /// "close" → closes the browser.</summary>
    public static async Task DriveAsync(Uri portal, string tokenFile)
    {
        var tokens = await File.ReadAllLinesAsync(tokenFile);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--renderer-process-limit=16"],
        });
        // The badge strip size a HIS gives the portal. A browser context per 100 pages: Chromium caps the WebSockets of
        // one profile (255), as it would for 500 doctors' own browsers.
        var contexts = new List<IBrowserContext>();
        for (var i = 0; i < tokens.Length; i += 100)
            contexts.Add(await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 420, Height = 120 }, Locale = "zh-CN" }));

        var pages = new List<IPage> { await OpenAsync(contexts[0], portal, tokens[0]) };
        Console.WriteLine("warm");
        if (Console.ReadLine() != "go") return;

        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(8);
        var failed = 0;
        await Task.WhenAll(tokens.Skip(1).Select(async (token, index) =>
        {
            await gate.WaitAsync();
            try
            {
                var page = await OpenAsync(contexts[(index + 1) / 100], portal, token);
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
        Console.WriteLine($"ready {pages.Count} {failed} {watch.Elapsed.TotalSeconds:F0}");
        Console.ReadLine(); // "close", or the parent went away
        foreach (var c in contexts) await c.CloseAsync();
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, Uri portal, string token)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(portal, "embed?s=" + Uri.EscapeDataString(token)).ToString());
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
