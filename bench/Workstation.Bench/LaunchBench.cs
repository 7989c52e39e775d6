using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Microsoft.Playwright;
using Workstation.Sandbox.Platform;

namespace Workstation.Bench;

/// <summary>Launch to final badge in Chromium: from the doctor clicking a patient in the demo HIS page (HIS back end
/// signs the launch, the portal iframe loads, the circuit starts, the platform list call returns) to the badge
/// showing its final state, with the platform answering in 50 ms.</summary>
public static class LaunchBench
{
    private static void SetListing(BenchEnvironment env, bool on)
    {
        env.Portal.Configuration["Recognition:RecordListings"] = on ? "true" : "false";
        env.Portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitorCache<Workstation.Portal.Recognition.RecognitionOptions>>().Clear();
    }

    public static Task RunAsync(BenchEnvironment env, int launches) => RunAsync(env, launches, compareListing: false);

    /// <summary>Launch to final badge with the listing write (goal 10's denominator, written behind the answer) on and
    /// off, interleaved launch by launch in one run; every launch is a new visit, so every badge writes its listing.</summary>
    public static Task RunListingAsync(BenchEnvironment env, int launches) => RunAsync(env, launches, compareListing: true);

    private static async Task RunAsync(BenchEnvironment env, int launches, bool compareListing)
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
        var (on, off) = (new List<double>(), new List<double>());
        env.Sandbox.His.NewVisitEachLaunch = compareListing;
        string[] patients = ["张伟", "王芳", "李娜", "陈明"];
        for (var i = 0; i < launches + 5; i++)
        {
            var name = patients[i % patients.Length];
            var listing = i % 4 is 0 or 3; // on, off, off, on: each patient and each position has both
            if (compareListing) SetListing(env, listing);
            var start = Stopwatch.GetTimestamp();
            await page.Locator("#patient-list button", new() { HasText = name }).ClickAsync();
            await page.FrameLocator("iframe[data-workstation=badge]").Locator($"[data-testid=patient-name]:text-is('{name}')").WaitForAsync();
            await badge.Locator("xpath=self::*[@data-status='available' or @data-status='none']").WaitForAsync(new() { Timeout = 10_000 });
            if (i >= 5) (compareListing ? (listing ? on : off) : times).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds); // first five warm up
        }
        env.Sandbox.His.NewVisitEachLaunch = false;
        env.Sandbox.Platform.Faults = PlatformFaults.None;
        if (compareListing)
        {
            SetListing(env, true);
            var (a, b) = (Percentiles.Of(on, 0), Percentiles.Of(off, 0));
            Console.WriteLine();
            Console.WriteLine($"Launch to final badge in Chromium, platform latency 50 ms, a new visit each launch, interleaved ({a.Count} + {b.Count} launches):");
            Console.WriteLine($"  listing write on : p50 {a.P50:F1} ms, p95 {a.P95:F1} ms, p99 {a.P99:F1} ms");
            Console.WriteLine($"  listing write off: p50 {b.P50:F1} ms, p95 {b.P95:F1} ms, p99 {b.P99:F1} ms");
            Console.WriteLine($"  difference p95: {a.P95 - b.P95:+0.0;-0.0} ms, p50: {a.P50 - b.P50:+0.0;-0.0} ms");
            return;
        }
        var p = Percentiles.Of(times, 0);
        Console.WriteLine();
        Console.WriteLine($"Launch to final badge in Chromium, platform latency 50 ms ({p.Count} launches): " +
                          $"p50 {p.P50:F0} ms, p95 {p.P95:F0} ms, p99 {p.P99:F0} ms");
    }
}
