using System.Net;
using Microsoft.AspNetCore.Hosting;
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

/// <summary>Two portal instances behind a load balancer hear each other's alerts through Redis pub/sub: an alert
/// received by one reaches a client connected to the other. ./test.sh starts Redis on 127.0.0.1 when run as root and
/// sets WORKSTATION_TEST_REDIS; without it the test reports itself skipped.</summary>
public sealed class RedisScaleOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_alert_received_by_one_instance_reaches_a_hub_client_of_another()
    {
        var redis = Environment.GetEnvironmentVariable("WORKSTATION_TEST_REDIS");
        if (string.IsNullOrEmpty(redis)) Assert.Skip("Redis not available (run ./test.sh as root, or set WORKSTATION_TEST_REDIS).");

        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-redis").FullName;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis };
        await using var a = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, settings));
        await using var b = new WebApplicationFactory<Program>().WithWebHostBuilder(b2 => PortalFixture.Configure(b2, sandbox, dataDir, settings));
        _ = a.Server;

        var launches = b.Services.GetRequiredService<LaunchService>();
        var request = LaunchTests.Zhang("E-REDIS");
        request.DoctorId = "D-REDIS";
        var (code, _) = await launches.IssueCodeAsync(request.ToContext("test-his"), null, Ct);
        var token = (await launches.RedeemCodeAsync(code, Ct)).Token!;
        var received = new TaskCompletionSource<AlertMessage>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(b.Server.BaseAddress, "hubs/alerts?s=" + Uri.EscapeDataString(token)), o =>
            {
                o.HttpMessageHandlerFactory = _ => b.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        // Presence is per instance, so A routes to the department's on-duty doctor; the encounter group still carries
        // the alert to everyone on this encounter, wherever they are connected.
        hub.On<AlertMessage>("alert-awareness", m => received.TrySetResult(m));
        await hub.StartAsync(Ct);

        // B subscribes to Redis while it starts; an alert published before that subscription is in place is not heard
        // there, so a new alert is posted every second until one arrives.
        var message = await Eventually.RepeatUntilAsync(async () =>
        {
            var body = WebhookClient.CriticalValue("redis-" + Guid.NewGuid().ToString("N"), orderingDoctor: "D-REDIS", encounter: "E-REDIS");
            var response = await a.CreateClient().SendAsync(WebhookClient.Signed(body, PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }, received.Task, TimeSpan.FromSeconds(1), "an alert posted to A to reach the hub client on B", Ct);
        Assert.Equal("E-REDIS", message.EncounterId);
    }

    [Fact]
    public async Task Blazor_circuits_on_another_instance_hear_alerts_and_late_duplicates_raised_on_this_one()
    {
        var redis = Environment.GetEnvironmentVariable("WORKSTATION_TEST_REDIS");
        if (string.IsNullOrEmpty(redis)) Assert.Skip("Redis not available (run ./test.sh as root, or set WORKSTATION_TEST_REDIS).");

        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-redis").FullName;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis };
        await using var a = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, settings));
        await using var b = new WebApplicationFactory<Program>().WithWebHostBuilder(b2 => PortalFixture.Configure(b2, sandbox, dataDir, settings));
        _ = a.Server;
        _ = b.Server;

        // What an open encounter's components subscribe to on instance B.
        var alertOnB = new TaskCompletionSource<CriticalValueAlert>(TaskCreationOptions.RunContinuationsAsynchronously);
        var recheckOnB = new TaskCompletionSource<Workstation.Portal.Orders.RecheckedOrder>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var alerts = b.Services.GetRequiredService<AlertNotifier>().Subscribe(x => { if (x.EncounterId == "E-REDIS-2") alertOnB.TrySetResult(x); });
        using var rechecks = b.Services.GetRequiredService<Workstation.Portal.Orders.RecheckNotifier>()
            .Subscribe(x => { if (x.EncounterId == "E-REDIS-LATE") recheckOnB.TrySetResult(x); });

        // The subscriptions reach Redis on their own time: what A publishes is sent again until B hears it.
        var alert = await Eventually.RepeatUntilAsync(async () =>
        {
            var eventId = "redis-circuit-" + Guid.NewGuid().ToString("N");
            var response = await a.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(eventId, encounter: "E-REDIS-2"), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }, alertOnB.Task, TimeSpan.FromSeconds(1), "an alert received by A to reach B's circuits", Ct);
        var recheck = await Eventually.RepeatUntilAsync(() =>
        {
            a.Services.GetRequiredService<Workstation.Portal.Orders.RecheckNotifier>()
                .Publish(new Workstation.Portal.Orders.RecheckedOrder("test-his", "E-REDIS-LATE", "check-1", LateDuplicates: true));
            return Task.CompletedTask;
        }, recheckOnB.Task, TimeSpan.FromSeconds(1), "a late duplicate raised on A to reach B's circuits", Ct);

        Assert.Equal("E-REDIS-2", alert.EncounterId);
        Assert.True(recheck.LateDuplicates);
    }
}
