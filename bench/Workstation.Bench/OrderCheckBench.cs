using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Workstation.Sandbox;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.Bench;

/// <summary>Order check through the portal (HIS API → portal → platform precise query, decision bookkeeping in
/// SQLite) against the same precise query sent straight to the platform simulator, in the same run.</summary>
public static class OrderCheckBench
{
    public static async Task RunAsync(BenchEnvironment env, int requests)
    {
        var patient = DemoWorld.FindByHisId("P1003")!; // no results elsewhere: the common case, no dialog
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var tokenResponse = await http.PostAsJsonAsync(new Uri(env.Sandbox.PlatformUrl, "api/v1/auth/token"),
            new { username = new SandboxOptions().PlatformUsername, password = new SandboxOptions().PlatformPassword });
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("token").GetString();

        var line = 0;
        HttpRequestMessage Direct()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, new Uri(env.Sandbox.PlatformUrl, "api/v1/recognition/query"))
            {
                Content = JsonContent.Create(new { patient = patient.Identity, itemCode = "L001" }),
            };
            r.Headers.Authorization = new("Bearer", token);
            return r;
        }
        HttpRequestMessage ThroughPortal()
        {
            var id = Interlocked.Increment(ref line);
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
        }

        Console.WriteLine();
        Console.WriteLine($"Order check: portal vs platform simulator directly ({requests} requests per series, after warm-up)");
        Console.WriteLine("platform latency | concurrency | direct p50/p95/p99 ms | portal p50/p95/p99 ms | overhead p95 ms | ratio p95 | errors");
        foreach (var latency in new[] { 0, 50 })
        {
            env.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = latency };
            await RunSeriesAsync(http, Direct, 200, 50);
            await RunSeriesAsync(http, ThroughPortal, 200, 50);
            foreach (var concurrency in new[] { 50, 200 })
            {
                var direct = await RunSeriesAsync(http, Direct, requests, concurrency);
                var portal = await RunSeriesAsync(http, ThroughPortal, requests, concurrency);
                Console.WriteLine($"{latency,13} ms | {concurrency,11} | {direct.P50,6:F1} {direct.P95,6:F1} {direct.P99,6:F1} | " +
                                  $"{portal.P50,6:F1} {portal.P95,6:F1} {portal.P99,6:F1} | {portal.P95 - direct.P95,15:F1} | " +
                                  $"{portal.P95 / direct.P95,9:F2} | {direct.Errors + portal.Errors}");
            }
        }
        env.Sandbox.Platform.Faults = PlatformFaults.None;
    }

    private static async Task<Percentiles> RunSeriesAsync(HttpClient http, Func<HttpRequestMessage> request, int total, int concurrency)
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
                    await response.Content.ReadAsByteArrayAsync(deadline.Token);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
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
