using Workstation.Portal.Audit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Doctor;

public sealed class LaunchTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Secret = "integration-launch-secret-0123456789abcdef";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static LaunchRequest Zhang(string encounter = "E1001-IT") => new()
    {
        DoctorId = "D001", DoctorName = "李医生", DepartmentCode = "NK", DepartmentName = "内科", PatientId = "P1001",
        IdType = "01", IdNumber = Workstation.Sandbox.Demo.DemoWorld.FindByHisId("P1001")!.Identity.IdNumber, PatientName = "张伟",
        EncounterId = encounter, Setting = CareSettings.Outpatient,
    };

    private HttpClient Client() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string SignedUrl(LaunchRequest request, DateTimeOffset? at = null, string? nonce = null, string secret = Secret, string client = "test-his") =>
        LaunchSignature.BuildUrl(new Uri("http://localhost/"), client, secret, request, at ?? DateTimeOffset.UtcNow, nonce ?? Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_signed_launch_opens_the_encounter_and_the_browser_gets_only_an_opaque_token()
    {
        var client = Client();
        var response = await client.GetAsync(SignedUrl(Zhang()), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/embed?s=", location);
        Assert.DoesNotContain("张伟", Uri.UnescapeDataString(location));
        Assert.DoesNotContain("P1001", location);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        var page = WebUtility.HtmlDecode(await client.GetStringAsync(location, Ct));
        Assert.Contains("张伟", page);
        Assert.Contains("E1001-IT", page);
    }

    [Fact]
    public async Task A_tampered_launch_is_refused_with_a_clear_page()
    {
        var url = SignedUrl(Zhang()).Replace("name=%E5%BC%A0%E4%BC%9F", "name=%E6%9D%8E%E5%A8%9C"); // 张伟 → 李娜

        var response = await Client().GetAsync(url, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("签名不正确", html);
        Assert.Contains("data-failure=\"Tampered\"", html);
    }

    [Fact]
    public async Task Every_refused_launch_is_audited_with_its_reason()
    {
        var badSetting = Zhang("E-AUDIT-1");
        badSetting.Setting = "ward";
        var urls = new[]
        {
            "/launch?client=test-his&doctor=D001",                                                  // missing ts, nonce, sig
            SignedWith(("ts", "yesterday")),                                                         // ts not a number
            SignedUrl(badSetting),                                                                   // invalid context
        };

        foreach (var url in urls)
        {
            var response = await Client().GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var details = await db.AuditEvents.Where(a => a.Action == "launch.refused").Select(a => a.Detail!).ToListAsync(Ct);
        Assert.Contains(details, d => d.StartsWith("Invalid: missing ts, nonce, sig"));
        Assert.Contains(details, d => d.StartsWith("Invalid: ts is not a number"));
        Assert.Contains(details, d => d.StartsWith("Invalid:") && d.Contains("Setting"));
    }

    private static string SignedWith(params (string Key, string Value)[] overrides)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(SignedUrl(Zhang())).Query)
            .Where(q => q.Key != "sig").ToDictionary(q => q.Key, q => q.Value.ToString());
        foreach (var (key, value) in overrides) query[key] = value;
        return "/launch?" + LaunchSignature.Canonical(query) + "&sig=" + LaunchSignature.Sign(query, Secret);
    }

    [Fact]
    public async Task An_expired_launch_is_refused()
    {
        var response = await Client().GetAsync(SignedUrl(Zhang(), DateTimeOffset.UtcNow.AddMinutes(-6)), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("已过期", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_replayed_launch_is_refused()
    {
        var url = SignedUrl(Zhang());
        var first = await Client().GetAsync(url, Ct);
        var second = await Client().GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("已被使用过", await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_launch_signed_with_another_secret_or_for_an_unknown_client_is_refused()
    {
        var wrongSecret = await Client().GetAsync(SignedUrl(Zhang(), secret: "another-secret-another-secret-another"), Ct);
        var unknown = await Client().GetAsync(SignedUrl(Zhang(), client: "rogue-his"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
    }

    [Fact]
    public async Task Server_to_server_launch_gives_a_one_time_code()
    {
        var client = Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var response = await client.PostAsJsonAsync("/api/v1/launch", new { context = Zhang("E1001-CODE") }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var url = new Uri(body.GetProperty("url").GetString()!).PathAndQuery;

        var first = await Client().GetAsync(url, Ct);
        var second = await Client().GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith("/embed?s=", first.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task A_bad_launch_context_is_refused_with_problem_details_and_nothing_is_stored()
    {
        var bad = Zhang("E1001-BAD");
        bad.IdNumber = bad.IdNumber[..17] + (bad.IdNumber[17] == '0' ? "1" : "0"); // wrong check digit
        var before = await CountTicketsAsync();
        var client = Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);

        var response = await client.PostAsJsonAsync("/api/v1/launch", new { context = bad }, Ct);
        var noKey = await Client().PostAsJsonAsync("/api/v1/launch", new { context = Zhang() }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("check digit", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(before, await CountTicketsAsync());
    }

    [Fact]
    public async Task An_unknown_session_token_shows_that_the_session_ended()
    {
        var page = WebUtility.HtmlDecode(await Client().GetStringAsync("/embed?s=not-a-session", Ct));

        Assert.Contains("会话已结束", page);
        Assert.DoesNotContain("张伟", page);
    }

    private async Task<int> CountTicketsAsync()
    {
        var factory = fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        return await db.LaunchTickets.CountAsync(Ct);
    }
}
