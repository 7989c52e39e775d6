using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Portal;

public sealed partial class PortalHostingTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(bool redirects = false) =>
        fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = redirects, HandleCookies = true });

    [Fact]
    public async Task Liveness_and_readiness_report_database_and_platform()
    {
        var client = Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);

        var ready = await client.GetAsync("/health/ready", Ct);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("platform").GetProperty("status").GetString());
    }

    [Fact]
    public void One_logger_is_kept_per_category_and_it_writes_through_serilog()
    {
        // The framework asks the factory for loggers per circuit and per DbContext; Serilog's factory alone makes a new
        // one (with its caches) each time.
        var factory = fixture.Factory.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
        var first = factory.CreateLogger("Microsoft.AspNetCore.Components.RenderTree.Renderer");
        Assert.Same(first, factory.CreateLogger("Microsoft.AspNetCore.Components.RenderTree.Renderer"));
        Assert.NotSame(first, factory.CreateLogger("Workstation.Other"));
        Assert.Equal("SerilogLogger", first.GetType().Name);
        Assert.True(first.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning)); // the tests' Serilog minimum level
        Assert.False(first.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    [Fact]
    public async Task Frames_are_allowed_only_for_the_configured_his_origin()
    {
        var response = await Client().GetAsync("/embed", Ct);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"frame-ancestors 'self' {fixture.Sandbox.HisUrl.GetLeftPart(UriPartial.Authority)}", csp);
        Assert.DoesNotContain("*", csp.Split("frame-ancestors")[1]);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Sign_in_page_with_antiforgery_form_has_no_x_frame_options_either()
    {
        var response = await Client().GetAsync("/account/login", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_alert_hub_accepts_cross_origin_calls_only_from_configured_his_origins(bool his)
    {
        var origin = his ? fixture.Sandbox.HisUrl.GetLeftPart(UriPartial.Authority) : "https://evil.example";
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/hubs/alerts/negotiate?s=x&negotiateVersion=1");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await Client().SendAsync(preflight, Ct);

        Assert.Equal(his, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowed) && allowed.Single() == origin);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Openapi_document_and_scalar_page_are_served()
    {
        var client = Client();
        var doc = await client.GetStringAsync("/openapi/v1.json", Ct);
        var scalar = await client.GetAsync("/scalar/", Ct);

        Assert.Contains("/api/v1/catalogue", doc);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public async Task Catalogue_api_requires_a_his_api_key_and_answers_problem_details()
    {
        var client = Client();
        var missing = await client.GetAsync("/api/v1/catalogue", Ct);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalogue") { Headers = { { "X-Api-Key", "not-a-key-of-anyone" } } };
        var wrongResponse = await client.SendAsync(wrong, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);

        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var labs = JsonDocument.Parse(await client.GetStringAsync("/api/v1/catalogue?kind=lab", Ct)).RootElement;
        var bad = await client.GetAsync("/api/v1/catalogue?kind=xray", Ct);

        Assert.True(labs.GetArrayLength() >= 20);
        Assert.All(labs.EnumerateArray(), i => Assert.Equal("lab", i.GetProperty("kind").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("kind must be", await bad.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Pages_redirect_anonymous_users_to_sign_in()
    {
        var response = await Client().GetAsync("/catalogue", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Lab_staff_signs_in_with_the_seeded_demo_account_and_sees_the_portal()
    {
        var client = Client();
        var signIn = await PostLoginAsync(client, "lab", PortalFixture.Password, "/catalogue");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/catalogue", signIn.Headers.Location!.AbsolutePath);
        var page = await client.GetStringAsync("/catalogue", Ct);
        Assert.Contains("血常规", WebUtility.HtmlDecode(page));
        Assert.Contains("李敏", WebUtility.HtmlDecode(await client.GetStringAsync("/", Ct)));
    }

    [Fact]
    public async Task A_staff_cookie_issued_by_one_instance_is_accepted_by_another_through_the_shared_key_ring()
    {
        var signIn = await PostLoginAsync(Client(), "lab", PortalFixture.Password, "/");
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("workstation.staff=", StringComparison.Ordinal)).Split(';')[0];

        // A second portal instance over the same database (behind a load balancer).
        await using var instanceB = fixture.Factory.WithWebHostBuilder(_ => { });
        var b = instanceB.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        var page = await b.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("李敏", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct)));
        await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(Ct)); // the key ring lives in the database, not on one host
    }

    [Fact]
    public async Task A_wrong_password_shows_a_plain_message_and_repeated_failures_lock_the_account()
    {
        var client = Client();
        var first = await PostLoginAsync(client, "qc", "wrong-password", null);
        var html = await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("用户名或密码错误", WebUtility.HtmlDecode(html));

        for (var i = 1; i < Workstation.Portal.Accounts.AccountService.MaxFailures; i++)
            await PostLoginAsync(client, "qc", "wrong-password", null);
        var locked = await PostLoginAsync(client, "qc", PortalFixture.Password, null);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("5 分钟后再试", WebUtility.HtmlDecode(await locked.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task Lab_staff_cannot_open_the_critical_value_log()
    {
        var client = Client();
        await PostLoginAsync(client, "lab", PortalFixture.Password, null);

        var response = await client.GetAsync("/alerts", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/denied", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Sign_in_never_redirects_off_site()
    {
        var response = await PostLoginAsync(Client(), "admin", PortalFixture.Password, "//evil.example/phish");

        Assert.Equal("localhost", response.Headers.Location!.Host);
        Assert.Equal("/", response.Headers.Location.AbsolutePath);
    }

    [Fact]
    public void Every_page_declares_who_may_open_it()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(RouteAttribute), false).Length > 0)
            .ToList();

        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.True(
            page.GetCustomAttributes(typeof(AuthorizeAttribute), true).Length > 0
            || page.GetCustomAttributes(typeof(AllowAnonymousAttribute), true).Length > 0,
            $"{page.Name} has neither [Authorize] nor [AllowAnonymous]"));
    }

    [Fact]
    public async Task Readiness_degrades_but_the_portal_keeps_serving_when_the_platform_is_down()
    {
        var status = fixture.Factory.Services.GetRequiredService<Workstation.Portal.Operations.PlatformStatus>();
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            await status.CheckAsync(force: true, Ct);
            var ready = await Client().GetStringAsync("/health/ready", Ct);
            using var json = JsonDocument.Parse(ready);
            Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync("/account/login", Ct)).StatusCode);
        }
        finally
        {
            fixture.Sandbox.Platform.Faults = PlatformFaults.None;
            await status.CheckAsync(force: true, Ct);
        }
    }

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string user, string password, string? returnUrl)
    {
        var form = await client.GetStringAsync("/account/login", Ct);
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var url = returnUrl is null ? "/account/login" : "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl);
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = user,
            ["Input.Password"] = password,
        }), Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
