using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Doctor;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Alerts;
using Workstation.Portal.Launch;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Alerts;

/// <summary>Redis goes down under two instances and comes back: alerts still reach the doctor on the instance that
/// received them (Blazor notifier and hub), the portal stays up with health "degraded", and delivery across instances
/// resumes when Redis is back. The test runs its own redis-server on a free port (./test.sh installs the package).</summary>
public sealed class RedisFaultTests
{
    private const string RedisServer = "/usr/bin/redis-server";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_redis_down_alerts_reach_the_doctor_on_the_same_instance_health_is_degraded_and_it_recovers()
    {
        if (!File.Exists(RedisServer)) Assert.Skip($"{RedisServer} not installed (./test.sh installs redis-server as root).");
        var port = FreePorts.Next();
        using var redis = StartRedis(port);
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-redis-fault").FullName;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000" };
        await using var a = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, settings));
        await using var b = new WebApplicationFactory<Program>().WithWebHostBuilder(b2 => PortalFixture.Configure(b2, sandbox, dataDir, settings));
        _ = b.Server;
        await WaitForHealthAsync(a, "Healthy");

        // The doctor's hub connection (the HIS page's banner) is on A.
        var launches = a.Services.GetRequiredService<LaunchService>();
        var request = LaunchTests.Zhang("E-RF");
        request.DoctorId = "D-RF";
        var (code, _) = await launches.IssueCodeAsync(request.ToContext("test-his"), null, Ct);
        var token = (await launches.RedeemCodeAsync(code, Ct)).Token!;
        var onHub = new System.Collections.Concurrent.ConcurrentQueue<AlertMessage>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(a.Server.BaseAddress, "hubs/alerts?s=" + Uri.EscapeDataString(token)), o =>
            {
                o.HttpMessageHandlerFactory = _ => a.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        hub.On<AlertMessage>("alert", onHub.Enqueue);
        await hub.StartAsync(Ct);
        var onCircuitA = new System.Collections.Concurrent.ConcurrentQueue<CriticalValueAlert>();
        var onCircuitB = new System.Collections.Concurrent.ConcurrentQueue<CriticalValueAlert>();
        using var subscriptionA = a.Services.GetRequiredService<AlertNotifier>().Subscribe(onCircuitA.Enqueue);
        using var subscriptionB = b.Services.GetRequiredService<AlertNotifier>().Subscribe(onCircuitB.Enqueue);

        // With Redis up, an alert reaches the hub (and the connection is fully set up, groups and
        // replay done, before Redis goes).
        // (The client's StartAsync returns at the handshake, before the server has put the connection in its groups:
        // a new alert every 2 s until one arrives.)
        await Eventually.UntilAsync(async () =>
        {
            var before = "rf-up-" + Guid.NewGuid().ToString("N")[..8];
            await a.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(before, orderingDoctor: "D-RF", encounter: "E-RF"), PortalFixture.LisSecret), Ct);
            return await Arrives(() => onHub.Any(m => onCircuitA.Any(c => c.EventId == before && c.Id == m.Id)), TimeSpan.FromSeconds(2));
        }, "an alert to reach A's hub client while Redis is up", cancellationToken: Ct);

        // Redis stops.
        redis.Kill();
        await WaitForHealthAsync(a, "Degraded");
        var down = "rf-down-" + Guid.NewGuid().ToString("N")[..8];
        var response = await a.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(down, orderingDoctor: "D-RF", encounter: "E-RF"), PortalFixture.LisSecret), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode); // stored; the portal stays up
        await WaitUntilAsync(() => onHub.Any(m => m.AccountableDoctorId == "D-RF" && onCircuitA.Any(c => c.EventId == down && c.Id == m.Id)), "the alert on A's hub and circuits");
        Assert.Equal(HttpStatusCode.OK, (await a.CreateClient().GetAsync("/health/live", Ct)).StatusCode);
        var ready = await ReadyAsync(a);
        Assert.Equal("Degraded", ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());

        // Redis returns: health recovers and alerts cross instances again.
        using var again = StartRedis(port);
        await WaitForHealthAsync(a, "Healthy");
        await WaitForHealthAsync(b, "Healthy");
        // Subscriptions are re-established by the client after reconnecting: a new alert every 2 s until one crosses.
        await Eventually.UntilAsync(async () =>
        {
            var back = "rf-back-" + Guid.NewGuid().ToString("N")[..8];
            var sent = await a.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(back, orderingDoctor: "D-RF", encounter: "E-RF"), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            return await Arrives(() => onCircuitB.Any(x => x.EventId == back), TimeSpan.FromSeconds(2));
        }, "an alert raised on A to reach B's circuits after Redis returned", cancellationToken: Ct);
    }

    /// <summary>Whether <paramref name="condition"/> holds within <paramref name="window"/> (then the caller sends again).</summary>
    private static async Task<bool> Arrives(Func<bool> condition, TimeSpan window)
    {
        try
        {
            await Eventually.UntilAsync(condition, "", window, Ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [Fact]
    public async Task An_instance_starts_serves_and_stops_while_redis_is_unreachable()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-redis-none").FullName;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = $"127.0.0.1:{FreePorts.Next()},connectTimeout=500" }; // nothing listens
        var portal = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, settings));
        var received = new System.Collections.Concurrent.ConcurrentQueue<CriticalValueAlert>();
        using (portal.Services.GetRequiredService<AlertNotifier>().Subscribe(received.Enqueue))
        {
            Assert.Equal(HttpStatusCode.OK, (await portal.CreateClient().GetAsync("/health/live", Ct)).StatusCode);
            await WaitForHealthAsync(portal, "Degraded");
            var id = "rf-none-" + Guid.NewGuid().ToString("N")[..8];
            var response = await portal.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(id), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await WaitUntilAsync(() => received.Any(a => a.EventId == id), "the alert on this instance's circuits");
        }
        await portal.DisposeAsync(); // stopping with Redis unreachable does not throw
    }

    /// <summary>A redis-server of this test; disposing it kills it, also when an assertion fails.</summary>
    private sealed class RedisServerProcess(Process process) : IDisposable
    {
        public void Kill()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }
    }

    private static RedisServerProcess StartRedis(int port)
    {
        var process = Process.Start(new ProcessStartInfo(RedisServer, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        process.BeginOutputReadLine();
        var server = new RedisServerProcess(process);
        try
        {
            Eventually.UntilAsync(() =>
            {
                if (process.HasExited) throw new InvalidOperationException("redis-server exited");
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, $"redis-server to listen on {port}").GetAwaiter().GetResult();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static async Task<JsonElement> ReadyAsync(WebApplicationFactory<Program> portal)
    {
        var response = await portal.CreateClient().GetAsync("/health/ready", Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
    }

    private static async Task WaitForHealthAsync(WebApplicationFactory<Program> portal, string redisStatus)
    {
        string? last = null;
        await Eventually.UntilAsync(async () =>
        {
            last = (await ReadyAsync(portal)).GetProperty("checks").GetProperty("redis").GetProperty("status").GetString();
            return last == redisStatus;
        }, $"redis health {redisStatus}", cancellationToken: Ct);
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Eventually.UntilAsync(condition, what, cancellationToken: Ct);
}
