using System.Diagnostics;
using Microsoft.Playwright;
using Workstation.Sandbox.Platform;

namespace Workstation.Bench;

/// <summary>Launch to final badge in Chromium: from the doctor clicking a patient in the demo HIS page (HIS back end
/// signs the launch, the portal iframe loads, the circuit starts, the platform list call returns) to the badge
/// showing its final state, with the platform answering in 50 ms.</summary>
public static class LaunchBench
{
    public static async Task RunAsync(BenchEnvironment env, int launches)
    {
        var chromium = Environment.GetEnvironmentVariable("WORKSTATION_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Console.WriteLine($"Launch benchmark not run: Chromium not found at {chromium} (./test.sh installs it).");
            return;
        }
        env.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = 50 };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(env.Sandbox.HisUrl.ToString());
        await page.Locator("#patient-list button").First.WaitForAsync();
        var badge = page.FrameLocator("iframe[data-workstation=badge]").Locator("[data-testid=recognition-badge]");

        var times = new List<double>();
        string[] patients = ["张伟", "王芳", "李娜", "陈明"];
        for (var i = 0; i < launches + 5; i++)
        {
            var name = patients[i % patients.Length];
            var start = Stopwatch.GetTimestamp();
            await page.Locator("#patient-list button", new() { HasText = name }).ClickAsync();
            await page.FrameLocator("iframe[data-workstation=badge]").Locator($"[data-testid=patient-name]:text-is('{name}')").WaitForAsync();
            await badge.Locator("xpath=self::*[@data-status='available' or @data-status='none']").WaitForAsync(new() { Timeout = 10_000 });
            if (i >= 5) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds); // first five warm up JIT and caches
        }
        env.Sandbox.Platform.Faults = PlatformFaults.None;
        var p = Percentiles.Of(times, 0);
        Console.WriteLine();
        Console.WriteLine($"Launch to final badge in Chromium, platform latency 50 ms ({p.Count} launches): " +
                          $"p50 {p.P50:F0} ms, p95 {p.P95:F0} ms, p99 {p.P99:F0} ms");
    }
}
