using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Workstation.Sandbox;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.Bench;

/// <summary>Order check through the portal (HIS API → portal → platform precise query → durable check record) against
/// the same precise query sent straight to the platform simulator, in the same run, on two paths:
/// common — a patient with no results elsewhere (P1003: clear, no dialog);
/// duplicates — a patient with a recognisable 血常规 (P1001, L001): the lines are undecided, so the portal also reads the
/// encounter's decisions and issues a decision URL (a one-time launch code, stored before the answer).</summary>
public static class OrderCheckBench
{
    /// <summary>Portal requests per path before each latency's series: enough for the JIT to finish tiering up the hot
    /// path (with 200 the portal pinned to one core was still running tier-0 and instrumented code when measured).</summary>
    private static int Warmup => int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARMUP"), out var n) ? n : 5000;

    private sealed record Path(string Name, DemoPatient Patient, string ExpectedStatus);

    public static async Task RunAsync(BenchEnvironment env, int requests, int[]? concurrencies = null, int[]? latencies = null, string? only = null)
    {
        concurrencies ??= [20, 50, 200];
        latencies ??= [0, 50];
        Path[] paths =
        [
            new("common", DemoWorld.FindByHisId("P1003")!, "clear"),
            new("duplicates", DemoWorld.FindByHisId("P1001")!, "duplicates"),
        ];
        if (only is not null) paths = [.. paths.Where(p => p.Name == only)];
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var tokenResponse = await http.PostAsJsonAsync(new Uri(env.Sandbox.PlatformUrl, "api/v1/auth/token"),
            new { username = new SandboxOptions().PlatformUsername, password = new SandboxOptions().PlatformPassword });
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("token").GetString();

        var line = 0;
        Func<HttpRequestMessage> Direct(Path path) => () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, new Uri(env.Sandbox.PlatformUrl, "api/v1/recognition/query"))
            {
                Content = JsonContent.Create(new { patient = path.Patient.Identity, itemCode = "L001" }),
            };
            r.Headers.Authorization = new("Bearer", token);
            return r;
        };
        Func<HttpRequestMessage> ThroughPortal(Path path) => () =>
        {
            var id = Interlocked.Increment(ref line);
            var patient = path.Patient;
            var r = new HttpRequestMessage(HttpMethod.Post, new Uri(env.PortalUrl, "api/v1/orders/check"))
            {
                Content = JsonContent.Create(new
                {
                    context = new
                    {
                        doctorId = "D001", doctorName = "李医生", departmentCode = "NK", departmentName = "内科", patientId = patient.HisId,
                        idType = patient.Identity.IdType, idNumber = patient.Identity.IdNumber, patientName = patient.Identity.Name,
                        encounterId = "BENCH-" + (id % 500), setting = "outpatient",
                    },
                    draftOrderId = "D" + id,
                    stage = "add",
                    items = new[] { new { lineId = "1", itemCode = "L001" } },
                }),
            };
            r.Headers.Add("X-Api-Key", BenchEnvironment.ApiKey);
            return r;
        };

        // Each path answers as expected (a decision URL on the duplicates path only) before it is timed.
        foreach (var path in paths)
        {
            using var probe = await http.SendAsync(ThroughPortal(path)());
            var body = await probe.Content.ReadFromJsonAsync<JsonElement>();
            var status = body.GetProperty("status").GetString();
            var url = body.TryGetProperty("decisionUrl", out var u) && u.ValueKind == JsonValueKind.String;
            if (status != path.ExpectedStatus || url != (path.Name == "duplicates"))
                throw new InvalidOperationException($"{path.Name}: status {status}, decision URL {url}");
        }

        Console.WriteLine();
        Console.WriteLine($"Order check: portal vs platform simulator directly ({requests} requests per series, after warm-up; {env.Setup.Describe()})");
        Console.WriteLine("platform | conc | path       | direct p50/p95/p99/max ms     | portal p50/p95/p99/max ms     | overhead p50/p95 ms | ratio p95 | errors");
        foreach (var latency in latencies)
        {
            env.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = latency };
            foreach (var path in paths)
            {
                await RunSeriesAsync(http, Direct(path), 200, 50);
                await RunSeriesAsync(http, ThroughPortal(path), Warmup, 50);
            }
            foreach (var concurrency in concurrencies)
            {
                foreach (var path in paths)
                {
                    var direct = await RunSeriesAsync(http, Direct(path), requests, concurrency);
                    var portal = await RunSeriesAsync(http, ThroughPortal(path), requests, concurrency);
                    Console.WriteLine($"{latency,5} ms | {concurrency,4} | {path.Name,-10} | " +
                                      $"{direct.P50,6:F1} {direct.P95,6:F1} {direct.P99,6:F1} {direct.Max,6:F1} | " +
                                      $"{portal.P50,6:F1} {portal.P95,6:F1} {portal.P99,6:F1} {portal.Max,6:F1} | " +
                                      $"{portal.P50 - direct.P50,9:F1} {portal.P95 - direct.P95,9:F1} | {portal.P95 / direct.P95,9:F2} | " +
                                      $"{direct.Errors + portal.Errors}");
                }
            }
        }
        env.Sandbox.Platform.Faults = PlatformFaults.None;
    }

    /// <summary><paramref name="total"/> requests by <paramref name="concurrency"/> workers, at most 120 s.</summary>
    internal static async Task<Percentiles> RunSeriesAsync(HttpClient http, Func<HttpRequestMessage> request, int total, int concurrency,
        Action<HttpResponseMessage, double>? answered = null)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var next = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
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
                    if (response.IsSuccessStatusCode)
                    {
                        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                        latencies.Add(elapsed);
                        answered?.Invoke(response, elapsed);
                    }
                    else if (Interlocked.Increment(ref errors) <= 3)
                        Console.Error.WriteLine($"error: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300))}");
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    break; // the series' time is up: the request in flight is not an error (the count shows the series was cut)
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine($"error: {ex.GetType().Name} {ex.Message}");
                }
            }
        });
        await Task.WhenAll(workers);
        return Percentiles.Of(latencies, errors);
    }
}
