using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workstation.Platform.Contract;
using Workstation.Portal.Alerts;
using Workstation.Portal.Launch;

namespace Workstation.Bench;

/// <summary>Webhook → SignalR client delivery latency with N connected doctors, beside a bare hub sending to one
/// client group in the same run. Real .NET SignalR clients over WebSockets on 127.0.0.1.</summary>
public static class AlertBench
{
    public static async Task RunAsync(BenchEnvironment env, int[] clientCounts, int alertsPerLevel)
    {
        await using var bare = await BareHubServer.StartAsync();
        Console.WriteLine();
        Console.WriteLine($"Critical value webhook → its accountable doctor's SignalR client, beside a bare hub in the same run " +
                          $"({alertsPerLevel} messages per series, one at a time; broadcasts: 30)");
        Console.WriteLine("clients | webhook→client p50/p95/p99 ms | bare send-to-one p50/p95/p99 | bare broadcast-to-all (last client) p50/p95/p99 | memory/connection | errors");
        foreach (var clients in clientCounts)
        {
            var tokens = await IssueSessionsAsync(env.Portal, clients);
            Percentiles portal;
            double portalMemory;
            GC.Collect();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            await using (var portalClients = await ClientSet.ConnectAsync(i => new Uri(env.PortalUrl, "hubs/alerts?s=" + Uri.EscapeDataString(tokens[i])), clients, "alert"))
            {
                portalMemory = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)clients;
                portal = await MeasureAsync(portalClients, alertsPerLevel, clients, (i, id) => PostWebhookAsync(env.PortalUrl, i, id), 1);
            }
            Percentiles one, all;
            await using (var bareClients = await ClientSet.ConnectAsync(i => new Uri(bare.Url, "hub?doctor=B" + i), clients, "alert"))
            {
                one = await MeasureAsync(bareClients, alertsPerLevel, clients, (i, id) => bare.SendAsync("B" + i, id), 1);
                all = await MeasureAsync(bareClients, 30, clients, (_, id) => bare.BroadcastAsync(id), clients);
            }
            Console.WriteLine($"{clients,7} | {portal.P50,8:F1} {portal.P95,6:F1} {portal.P99,6:F1} | {one.P50,6:F1} {one.P95,6:F1} {one.P99,6:F1} | " +
                              $"{all.P50,8:F1} {all.P95,6:F1} {all.P99,6:F1} | {portalMemory / 1024,6:F1} KiB | {portal.Errors + one.Errors + all.Errors}");
        }
        Console.WriteLine("memory/connection: managed heap growth of this process (portal server + .NET client) per portal hub connection.");
    }

    /// <summary>Webhook → client delivery with <paramref name="clients"/> hub clients on one instance, and the same clients
    /// spread over two instances sharing a database file and Redis pub/sub (webhooks posted to the first, so about
    /// half the deliveries cross Redis), in the same run.</summary>
    public static async Task RunClusterAsync(BenchEnvironment env, string redis, int clients, int alerts)
    {
        Console.WriteLine();
        Console.WriteLine($"Critical value webhook → doctor's SignalR client: one instance vs two instances over Redis ({redis}), " +
                          $"{clients} clients, {alerts} alerts per series, one at a time");
        Console.WriteLine("setup                | webhook→client p50/p95/p99 ms | errors");
        string[] withRedis = [$"--ConnectionStrings:Redis={redis}"];
        var (a, aUrl) = await env.StartExtraPortalAsync("cluster.db", withRedis);
        var (_, bUrl) = await env.StartExtraPortalAsync("cluster.db", withRedis);
        var single = await IssueSessionsAsync(env.Portal, clients);
        var shared = await IssueSessionsAsync(a, clients);
        Percentiles one, two;
        await using (var set = await ClientSet.ConnectAsync(i => new Uri(env.PortalUrl, "hubs/alerts?s=" + Uri.EscapeDataString(single[i])), clients, "alert"))
            one = await MeasureAsync(set, alerts, clients, (i, id) => PostWebhookAsync(env.PortalUrl, i, id), 1);
        await using (var set = await ClientSet.ConnectAsync(i => new Uri(i % 2 == 0 ? aUrl : bUrl, "hubs/alerts?s=" + Uri.EscapeDataString(shared[i])), clients, "alert"))
            two = await MeasureAsync(set, alerts, clients, (i, id) => PostWebhookAsync(aUrl, i, id), 1);
        Console.WriteLine($"one instance         | {one.P50,6:F1} {one.P95,6:F1} {one.P99,6:F1} | {one.Errors}");
        Console.WriteLine($"two, Redis pub/sub   | {two.P50,6:F1} {two.P95,6:F1} {two.P99,6:F1} | {two.Errors}");
        Console.WriteLine($"ratio p99 two/one: {two.P99 / one.P99:F2} (goal ≤ 1.5)");
    }

    internal static async Task<string[]> IssueSessionsAsync(WebApplication portal, int count)
    {
        var launches = portal.Services.GetRequiredService<LaunchService>();
        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            var context = new LaunchContext("bench-his", "B" + i, "医生" + i, "NK", "内科", "P1001", new PatientIdentity("03", "E" + i, "张伟"), "BENCH-E" + i, "outpatient");
            var (code, _) = await launches.IssueCodeAsync(context, null, CancellationToken.None);
            tokens[i] = (await launches.RedeemCodeAsync(code, CancellationToken.None)).Token!;
        }
        return tokens;
    }

    private static async Task<Percentiles> MeasureAsync(ClientSet clients, int count, int clientCount, Func<int, string, Task> send, int receivers)
    {
        var latencies = new List<double>();
        var errors = 0;
        var random = new Random(42);
        for (var n = 0; n < count; n++)
        {
            var target = random.Next(clientCount);
            var id = "m" + Guid.NewGuid().ToString("N");
            var arrived = clients.Expect(id, receivers);
            var start = Stopwatch.GetTimestamp();
            try
            {
                await send(target, id);
                await arrived.WaitAsync(TimeSpan.FromSeconds(10));
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is TimeoutException or HttpRequestException)
            {
                errors++;
            }
        }
        return Percentiles.Of(latencies, errors);
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task PostWebhookAsync(Uri portalUrl, int doctor, string eventId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId,
            type = "critical-value",
            data = new
            {
                patientId = "P1001", patientName = "张伟", encounterId = "BENCH-E" + doctor, itemCode = "K", itemName = eventId, value = "6.8",
                unit = "mmol/L", referenceRange = "3.5-5.3", reportedBy = "bench", reportedAt = DateTime.UtcNow, recordId = eventId,
                orderingDoctorId = "B" + doctor, departmentCode = "NK",
            },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portalUrl, "api/v1/webhooks/lis")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.TimestampHeader, ts);
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader, Workstation.Portal.Inbound.WebhookEndpoints.Sign(BenchEnvironment.LisSecret, ts, body));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>N hub connections that complete a waiter when a message carrying the expected id arrives.</summary>
    private sealed class ClientSet : IAsyncDisposable
    {
        private readonly List<HubConnection> _connections = [];
        private readonly ConcurrentDictionary<string, Waiter> _waiting = new();

        private sealed class Waiter(int count)
        {
            private int _left = count;

            public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public bool Arrive() => Interlocked.Decrement(ref _left) == 0;
        }

        public Task Expect(string id, int receivers) => _waiting.GetOrAdd(id, _ => new Waiter(receivers)).Done.Task;

        public static async Task<ClientSet> ConnectAsync(Func<int, Uri> url, int count, string method)
        {
            var set = new ClientSet();
            using var gate = new SemaphoreSlim(64);
            var tasks = Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var connection = new HubConnectionBuilder()
                        .WithUrl(url(i), o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; })
                        .Build();
                    connection.On<JsonElement>(method, m =>
                    {
                        var key = m.TryGetProperty("itemName", out var item) ? item.GetString() : m.TryGetProperty("id", out var id) ? id.GetString() : null;
                        if (key is not null && set._waiting.TryGetValue(key, out var waiter) && waiter.Arrive())
                        {
                            set._waiting.TryRemove(key, out _);
                            waiter.Done.TrySetResult();
                        }
                    });
                    await connection.StartAsync();
                    lock (set._connections) set._connections.Add(connection);
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks);
            return set;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var chunk in _connections.Chunk(200)) await Task.WhenAll(chunk.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The baseline: a hub with nothing but groups, sending one message to one group on request.</summary>
    private sealed class BareHubServer : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public Uri Url { get; private set; } = null!;

        public static async Task<BareHubServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSignalR();
            var app = builder.Build();
            app.UseWebSockets();
            app.MapHub<BareHub>("/hub");
            await app.StartAsync();
            return new BareHubServer { _app = app, Url = new Uri(app.Urls.First().TrimEnd('/') + "/") };
        }

        public Task SendAsync(string doctor, string id) =>
            _app.Services.GetRequiredService<IHubContext<BareHub>>().Clients.Group("doctor:" + doctor).SendAsync("alert", new { id });

        public Task BroadcastAsync(string id) =>
            _app.Services.GetRequiredService<IHubContext<BareHub>>().Clients.All.SendAsync("alert", new { id });

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class BareHub : Hub
    {
        public override Task OnConnectedAsync() =>
            Groups.AddToGroupAsync(Context.ConnectionId, "doctor:" + Context.GetHttpContext()!.Request.Query["doctor"]);
    }
}
