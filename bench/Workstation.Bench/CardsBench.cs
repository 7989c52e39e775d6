using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.HealthCard;
using Workstation.Sandbox.CardManagement;
using Workstation.Sandbox.Demo;

namespace Workstation.Bench;

/// <summary>The two provincial interfaces: health-card verify against a 1,000,000-entry blacklist (200 concurrent on
/// loopback, every verify writing its usage log), the blacklist's memory, and the blood-use lookup.</summary>
public static class CardsBench
{
    public const int BlacklistSize = 1_000_000;

    public static async Task RunAsync(BenchEnvironment env, int requests)
    {
        Console.WriteLine();
        Console.WriteLine($"Health card: blacklist of {BlacklistSize:N0} cards");
        Console.WriteLine($"  memory of the in-memory blacklist (measured on a separate instance): {MeasureBlacklistBytes() / 1024.0 / 1024.0:F1} MB");

        var cards = env.Sandbox.Cards;
        var sync = env.Portal.Services.GetRequiredService<BlacklistSync>();
        var blacklist = env.Portal.Services.GetRequiredService<Blacklist>();
        cards.AddSynthetic(BlacklistSize - cards.Count);
        var started = Stopwatch.GetTimestamp();
        var swapped = Task.Run(async () =>
        {
            while (blacklist.Version != cards.Version) await Task.Delay(10);
            return Stopwatch.GetElapsedTime(started);
        });
        var outcome = await sync.SyncOnceAsync(CancellationToken.None);
        Console.WriteLine($"  sync ({outcome}): in memory after {(await swapped).TotalSeconds:F1} s, persisted after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; " +
                          $"{blacklist.Count:N0} cards, version {blacklist.Version}");
        GC.Collect();
        Console.WriteLine($"  process working set with the portal and the card simulator (both holding the list): {Environment.WorkingSet / 1024 / 1024} MB");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var people = CardManagementState.DemoCards;
        var n = 0;
        HttpRequestMessage Verify()
        {
            var i = Interlocked.Increment(ref n);
            var holder = people[i % people.Count];
            // One in four cards is on the blacklist (a synthetic entry), the others are not.
            var card = i % 4 == 0 ? $"139{i % BlacklistSize:D16}" : holder.CardNumber;
            var r = new HttpRequestMessage(HttpMethod.Post, new Uri(env.PortalUrl, "api/v1/health-card/verify"))
            {
                Content = JsonContent.Create(new
                {
                    cardNumber = card, idNumber = holder.IdNumber, scene = CardScenes.All[i % 8].Code, terminalId = "BENCH-" + (i % 40), operatorId = "D001",
                }),
            };
            r.Headers.Add("X-Api-Key", BenchEnvironment.ApiKey);
            return r;
        }
        await RunSeriesAsync(http, Verify, 2000, 50);
        var durable = env.Portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCardOptions>>().Value.WaitForUsageLogCommit;
        Console.WriteLine($"  verify, HTTP on 127.0.0.1 ({(durable ? "usage log committed before the answer" : "usage log written behind the answer")}), goal p99 <= 5 ms");
        Console.WriteLine("  concurrency | requests | p50 ms | p95 ms | p99 ms | req/s | errors");
        foreach (var concurrency in new[] { 1, 200 })
        {
            var total = concurrency == 1 ? Math.Min(requests, 2000) : requests;
            var clock = Stopwatch.StartNew();
            var p = await RunSeriesAsync(http, Verify, total, concurrency);
            Console.WriteLine($"  {concurrency,11} | {p.Count,8} | {p.P50,6:F2} | {p.P95,6:F2} | {p.P99,6:F2} | {p.Count / clock.Elapsed.TotalSeconds,5:F0} | {p.Errors}");
        }
        // Closed loop (above): 200 workers that send again the moment they get an answer measure saturation, where by
        // Little's law latency = 200 / throughput. Open loop: 200 terminals each swiping every 100 ms (2000 verifies/s,
        // far above a hospital's real rate) measure the latency a terminal sees below saturation.
        var open = await RunOpenLoopAsync(http, Verify, terminals: 200, every: TimeSpan.FromMilliseconds(100), duration: TimeSpan.FromSeconds(10));
        Console.WriteLine($"  open loop: 200 terminals x 10/s | {open.Count,8} | {open.P50,6:F2} | {open.P95,6:F2} | {open.P99,6:F2} | {open.Count / 10.0,5:F0} | {open.Errors}");

    }

    /// <summary>Issue 18: 2,000 verifies at 50 concurrent with the usage log committed before each answer, the portal in
    /// its own process on core 0 (Server GC, as deployed) holding a 1,000,000-card blacklist, this load generator on core 1.
    /// Portal-side times come from the portal's own request log (Serilog's completion event per request).</summary>
    public static async Task RunVerifyStallsAsync(int runs)
    {
        string[] args =
        [
            "--Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Information",
            "--Serilog:MinimumLevel:Override:Workstation.Portal.HealthCard.BlacklistSync=Information",
            "--HealthCard:WaitForUsageLogCommit=true",
        ];
        await using var env = await BenchEnvironment.StartAsync(args, new BenchSetup(OwnProcess: true),
            sandbox => sandbox.Cards.AddSynthetic(BlacklistSize - sandbox.Cards.Count));
        var portalSide = new ConcurrentQueue<double>();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        env.PortalOutput += line =>
        {
            if (line.Contains("Blacklist loaded in full", StringComparison.Ordinal)) loaded.TrySetResult();
            var at = line.IndexOf("HTTP POST /api/v1/health-card/verify responded 200 in ", StringComparison.Ordinal);
            if (at >= 0 && double.TryParse(line.AsSpan(at + 55).TrimEnd(" ms".AsSpan()), System.Globalization.CultureInfo.InvariantCulture, out var ms))
                portalSide.Enqueue(ms);
        };
        Console.WriteLine();
        Console.WriteLine($"Health-card verify stalls: {env.Setup.Describe()}; blacklist of {BlacklistSize:N0} cards, usage log committed before each answer");
        await loaded.Task.WaitAsync(TimeSpan.FromMinutes(5));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var people = CardManagementState.DemoCards;
        var n = 0;
        HttpRequestMessage Verify()
        {
            var i = Interlocked.Increment(ref n);
            var holder = people[i % people.Count];
            var card = i % 4 == 0 ? $"139{i % BlacklistSize:D16}" : holder.CardNumber;
            var r = new HttpRequestMessage(HttpMethod.Post, new Uri(env.PortalUrl, "api/v1/health-card/verify"))
            {
                Content = JsonContent.Create(new
                {
                    cardNumber = card, idNumber = holder.IdNumber, scene = CardScenes.All[i % 8].Code, terminalId = "BENCH-" + (i % 40), operatorId = "D001",
                }),
            };
            r.Headers.Add("X-Api-Key", BenchEnvironment.ApiKey);
            return r;
        }
        await RunSeriesAsync(http, Verify, 2000, 50); // warm-up
        Console.WriteLine("  run | portal-side p50 / p99 / max ms | over 20 ms | client-side p50 / p99 / max ms | errors");
        for (var run = 1; run <= runs; run++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // the warm-up's (or last run's) log lines are in
            portalSide.Clear();
            var client = await RunSeriesAsync(http, Verify, 2000, 50);
            var waited = Stopwatch.StartNew();
            while (portalSide.Count < 2000 && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
            var portal = Percentiles.Of(portalSide, 0);
            Console.WriteLine($"  {run,3} | {portal.P50,6:F2} / {portal.P99,6:F2} / {portal.Max,6:F2} ({portal.Count} logged) | {portalSide.Count(v => v > 20),10} | " +
                              $"{client.P50,6:F2} / {client.P99,6:F2} / {client.Max,6:F2} | {client.Errors}");
        }
    }

    public static async Task RunBloodUseAsync(BenchEnvironment env, int requests)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        Console.WriteLine();
        Console.WriteLine("Blood-use lookup (/blood-use/blduseinfo: token check, HIS inpatient call over HTTP, audit row)");
        var tokenBody = await http.GetFromJsonAsync<JsonElement>(new Uri(env.PortalUrl,
            $"blood-use/token?id={BenchEnvironment.BloodUseClient}&password={Uri.EscapeDataString(BenchEnvironment.BloodUsePassword)}"));
        var token = tokenBody.GetProperty("data").GetProperty("token").GetString();
        var zhang = DemoWorld.FindByHisId("P1001")!.Identity.IdNumber;
        HttpRequestMessage Lookup() => new(HttpMethod.Get, new Uri(env.PortalUrl, $"blood-use/blduseinfo?token={token}&identityNumber={zhang}"));
        await RunSeriesAsync(http, Lookup, 200, 10);
        Console.WriteLine("  concurrency | requests | p50 ms | p95 ms | p99 ms | errors");
        foreach (var concurrency in new[] { 1, 20 })
        {
            var p = await RunSeriesAsync(http, Lookup, Math.Min(requests, 2000), concurrency);
            Console.WriteLine($"  {concurrency,11} | {p.Count,8} | {p.P50,6:F2} | {p.P95,6:F2} | {p.P99,6:F2} | {p.Errors}");
        }
    }

    /// <summary>Bytes held by a <see cref="Blacklist"/> of <see cref="BlacklistSize"/> fresh 19-character card numbers.</summary>
    private static long MeasureBlacklistBytes()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var probe = new Blacklist();
        probe.Replace(1, Synthetic(), DateTime.UtcNow, fromCardSystem: true);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(probe);
        return after - before;

        static IEnumerable<CardBlacklistEntry> Synthetic()
        {
            for (var i = 0; i < BlacklistSize; i++) yield return new CardBlacklistEntry($"139{i:D16}", i % 10 == 0 ? "national" : "provincial", i % 3 == 0 ? "注销" : "挂失");
        }
    }

    private static async Task<Percentiles> RunOpenLoopAsync(HttpClient http, Func<HttpRequestMessage> request, int terminals, TimeSpan every, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, terminals).Select(async t =>
        {
            // Terminals are spread over the interval so that they do not all swipe at once.
            for (var k = 0; ; k++)
            {
                var due = TimeSpan.FromTicks(every.Ticks * t / terminals) + every * k;
                if (due >= duration) return;
                var wait = due - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                using var message = request();
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(message);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode) latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return Percentiles.Of(latencies, errors);
    }

    private static async Task<Percentiles> RunSeriesAsync(HttpClient http, Func<HttpRequestMessage> request, int total, int concurrency)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var next = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total && !deadline.IsCancellationRequested)
            {
                using var message = request();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(message, deadline.Token);
                    var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
                    var ok = response.IsSuccessStatusCode && (message.RequestUri!.AbsolutePath.Contains("health-card", StringComparison.Ordinal)
                                                              || JsonDocument.Parse(body).RootElement.GetProperty("success").GetBoolean());
                    if (!ok) Interlocked.Increment(ref errors);
                    else latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return Percentiles.Of(latencies, errors);
    }
}
