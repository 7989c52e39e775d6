using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workstation.Portal.Hosting;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Behind nginx: <c>X-Forwarded-*</c> are believed from the configured proxies only. Runs the real portal on
/// Kestrel (127.0.0.1, port 0) because TestServer has no client address to compare with the known proxies.</summary>
public sealed class ForwardedHeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Args(string dataDir, params string[] extra) =>
    [
        "--environment=Testing",
        $"--Storage:ConnectionString=Data Source={Path.Combine(dataDir, "p.db")}",
        "--Platform:BaseUrl=http://127.0.0.1:9/",
        "--Platform:Username=u",
        "--Platform:Password=p",
        "--Serilog:MinimumLevel:Default=Fatal",
        "--Alerts:TimerInterval=00:01:00",
        "--Outbox:Dispatch=false",
        "--Urls=http://127.0.0.1:0",
        .. extra,
    ];

    [Theory]
    [InlineData(null, "127.0.0.1 http")]
    [InlineData("127.0.0.1", "203.0.113.7 https portal.example.org")]
    [InlineData("10.0.0.5", "127.0.0.1 http")]
    public async Task Forwarded_headers_are_honoured_only_from_a_known_proxy(string? knownProxy, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("ws-proxy").FullName;
        var args = knownProxy is null ? Args(dir) : Args(dir, $"--Proxy:KnownProxies:0={knownProxy}");
        await using var app = PortalApplication.CreateBuilder(args).Build();
        app.UsePortal();
        app.MapGet("/test/client", (HttpContext ctx) =>
            $"{ctx.Connection.RemoteIpAddress} {ctx.Request.Scheme} {ctx.Request.Host}".TrimEnd());
        await app.StartAsync(Ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/test/client");
            // A browser may send its own X-Forwarded-For; nginx appends the address it saw, which is the one taken.
            request.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.7");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "portal.example.org");

            using var response = await http.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith(expected, body);
            if (expected.EndsWith("http")) Assert.Equal($"{expected} {new Uri(address).Authority}", body);
        }
        finally
        {
            await app.StopAsync(Ct);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public void The_configured_proxies_replace_the_framework_default_of_trusting_loopback()
    {
        var dir = Directory.CreateTempSubdirectory("ws-proxy").FullName;
        using var app = PortalApplication.CreateBuilder(Args(dir, "--Proxy:KnownProxies:0=10.0.0.5", "--Proxy:KnownProxies:1=::1")).Build();

        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost, options.ForwardedHeaders);
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback], options.KnownProxies);
        Assert.Empty(options.KnownIPNetworks);
    }

    [Fact]
    public async Task A_proxy_that_is_not_an_ip_address_refuses_to_start_naming_the_key()
    {
        var dir = Directory.CreateTempSubdirectory("ws-proxy").FullName;
        var message = await PortalStartup.FailureMessageAsync(Args(dir, "--Proxy:KnownProxies:0=nginx.local"), usePortal: true);
        // A whole-object failure (no member name) is printed as its own message, without the framework's wrapping.
        Assert.Contains($"{Environment.NewLine}  - Proxy:KnownProxies:0: 'nginx.local' is not an IP address", message);
        Assert.DoesNotContain("DataAnnotation validation failed", message);
    }
}
