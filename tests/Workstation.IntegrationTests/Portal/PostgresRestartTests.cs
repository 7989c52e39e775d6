using Workstation.Portal.Orders;
using Workstation.Portal.Alerts;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Alerts;
using Workstation.IntegrationTests.Doctor;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>PostgreSQL goes away under a running portal (its connections are cut and new ones refused, as during a
/// restart) and comes back: API requests fail with a plain 503 ProblemDetails while it is away, succeed after, and
/// a critical value whose webhook was refused and sent again is stored once. The portal reaches PostgreSQL through a
/// TCP relay in this test, so only this portal loses its database.</summary>
public sealed class PostgresRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_postgres_is_away_requests_fail_in_plain_words_and_after_it_returns_they_succeed_and_nothing_is_lost()
    {
        var server = Environment.GetEnvironmentVariable("WORKSTATION_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server)) Assert.Skip("PostgreSQL not available (run ./test.sh as root, or set WORKSTATION_TEST_POSTGRES).");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(server);
        await using var relay = TcpRelay.Start(builder.Host!, builder.Port);
        builder.Port = relay.Port;
        builder.Database = "workstation_it_" + Guid.NewGuid().ToString("N")[..10];
        builder.Timeout = 3; // connect timeout, seconds

        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-pg-restart").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir,
            new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = builder.ConnectionString }));
        var api = factory.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        object Check(string draft) => new
        {
            context = LaunchTests.Zhang("E-PGR"), draftOrderId = draft, stage = "add", items = new[] { new { lineId = "1", itemCode = "E002" } },
        };
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/orders/check", Check("D-PGR-1"), Ct)).StatusCode);

            relay.Cut(); // PostgreSQL "restarts": open connections drop, new ones are refused
            var refused = await api.PostAsJsonAsync("/api/v1/orders/check", Check("D-PGR-2"), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Contains("数据库暂时无法访问", problem.GetProperty("title").GetString());
            Assert.Contains("temporarily unavailable", problem.GetProperty("title").GetString());
            var eventId = "pgr-" + Guid.NewGuid().ToString("N")[..10];
            var webhook = await factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(eventId), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, webhook.StatusCode); // LIS keeps it and sends it again
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live", Ct)).StatusCode); // the process stays up

            relay.Restore();
            // The pool's broken connections are found and replaced on the next requests: answered again once it has.
            await Eventually.UntilAsync(async () => (await api.PostAsJsonAsync("/api/v1/orders/check", Check("D-PGR-2"), Ct)).StatusCode == HttpStatusCode.OK,
                "an order check to succeed after PostgreSQL returned", cancellationToken: Ct);
            Assert.Equal(HttpStatusCode.Accepted, (await factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(eventId), PortalFixture.LisSecret), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue(eventId), PortalFixture.LisSecret), Ct)).StatusCode);

            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            Assert.Equal(1, await db.CriticalValueAlerts.CountAsync(a => a.EventId == eventId, Ct));
            Assert.Equal(2, await db.OrderChecks.CountAsync(c => c.EncounterId == "E-PGR", Ct));
        }
        finally
        {
            relay.Restore();
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(CancellationToken.None);
            await db.Database.EnsureDeletedAsync(CancellationToken.None);
        }
    }
}

/// <summary>Relays TCP connections from a loopback port to a target; <see cref="Cut"/> drops every open connection and
/// refuses new ones until <see cref="Restore"/>.</summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _targetPort;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private TcpRelay(string host, int targetPort, int port)
    {
        _host = host;
        _targetPort = targetPort;
        Port = port;
    }

    public int Port { get; }

    public static TcpRelay Start(string host, int targetPort)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(host, targetPort, port);
        relay.Restore();
        return relay;
    }

    public void Restore()
    {
        if (_listener is not null) return;
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_host, _targetPort, stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = PumpAsync(inbound, outbound, stop);
            _ = PumpAsync(outbound, inbound, stop);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), stop);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
