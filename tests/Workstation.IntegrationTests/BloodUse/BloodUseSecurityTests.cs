using Workstation.Portal.Audit;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.BloodUse;

/// <summary>Token expiry, lock-out, CORS for the configured origins only.</summary>
public sealed class BloodUseSecurityTests(BloodUseFixture fixture) : IClassFixture<BloodUseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Zhang => DemoWorld.FindByHisId("P1001")!.Identity.IdNumber;

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url) =>
        JsonDocument.Parse(await client.GetStringAsync(url, Ct)).RootElement.Clone();

    private static string TokenUrl(string id, string password) => $"/blood-use/token?id={id}&password={Uri.EscapeDataString(password)}";

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        // The production lifetime (7200 s) on a clock the test moves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = fixture.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var client = host.CreateClient();
        var data = (await GetJsonAsync(client, TokenUrl(BloodUseFixture.ClientId, BloodUseFixture.Password))).GetProperty("data");
        Assert.Equal("7200", data.GetProperty("expires_in").GetString());
        var token = data.GetProperty("token").GetString();

        Assert.True((await GetJsonAsync(client, $"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}")).GetProperty("success").GetBoolean());
        clock.Advance(TimeSpan.FromSeconds(7199));
        Assert.True((await GetJsonAsync(client, $"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}")).GetProperty("success").GetBoolean());
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await GetJsonAsync(client, $"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}");
        Assert.False(expired.GetProperty("success").GetBoolean());
        Assert.Equal("token无效或已过期，请重新获取token", expired.GetProperty("erroMessage").GetString());
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        var client = fixture.Factory.CreateClient();
        for (var i = 0; i < 3; i++)
            Assert.Equal("用户名或密码错误", (await GetJsonAsync(client, TokenUrl(BloodUseFixture.LockoutClientId, "guess-" + i))).GetProperty("erroMessage").GetString());

        var locked = await GetJsonAsync(client, TokenUrl(BloodUseFixture.LockoutClientId, BloodUseFixture.Password));
        Assert.False(locked.GetProperty("success").GetBoolean());
        Assert.Contains("账户已锁定", locked.GetProperty("erroMessage").GetString());
        // Another account is not affected.
        Assert.True((await GetJsonAsync(client, TokenUrl(BloodUseFixture.ClientId, BloodUseFixture.Password))).GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task An_existing_and_an_unknown_id_get_the_same_answers_through_the_lock_out_so_ids_cannot_be_probed()
    {
        var client = fixture.Factory.CreateClient();
        async Task<List<string?>> TryAsync(string id)
        {
            var answers = new List<string?>();
            for (var i = 0; i < 4; i++)
                answers.Add((await GetJsonAsync(client, TokenUrl(id, "guess-" + i))).GetProperty("erroMessage").GetString());
            answers.Add((await GetJsonAsync(client, TokenUrl(id, BloodUseFixture.Password))).GetProperty("erroMessage").GetString());
            return answers;
        }

        var existing = await TryAsync(BloodUseFixture.SecondLockoutClientId);
        var unknown = await TryAsync("no-such-client-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Equal(existing, unknown);
        Assert.Equal(["用户名或密码错误", "用户名或密码错误", "用户名或密码错误"], existing.Take(3));
        Assert.All(existing.Skip(3), m => Assert.Contains("账户已锁定", m)); // locked after 3, the right password too
    }

    [Fact]
    public async Task A_token_request_without_credentials_is_refused_and_audited()
    {
        var marker = "probe-" + Guid.NewGuid().ToString("N")[..6];
        var noPassword = await GetJsonAsync(fixture.Factory.CreateClient(), $"/blood-use/token?id={marker}");
        var nothing = await GetJsonAsync(fixture.Factory.CreateClient(), "/blood-use/token");

        Assert.Equal("缺少用户名(id)或密码(password)", noPassword.GetProperty("erroMessage").GetString());
        Assert.Equal("缺少用户名(id)或密码(password)", nothing.GetProperty("erroMessage").GetString());
        await using var db = await fixture.Factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Workstation.Portal.Storage.PortalDbContext>>()
            .CreateDbContextAsync(Ct);
        var audited = db.AuditEvents.Where(a => a.Action == "blood-use.token.failed").Select(a => new { a.Actor, a.Detail }).ToList();
        Assert.Contains(audited, a => a.Actor == "blood-use:" + marker && a.Detail == "no password");
        Assert.Contains(audited, a => a.Actor == "blood-use:-" && a.Detail == "no id");
    }

    [Fact]
    public async Task A_preflight_from_the_configured_origin_is_answered_and_another_origin_is_refused()
    {
        var client = fixture.Factory.CreateClient();

        using var allowed = Preflight(BloodUseFixture.AllowedOrigin);
        var ok = await client.SendAsync(allowed, Ct);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(BloodUseFixture.AllowedOrigin, Assert.Single(ok.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(ok.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.Contains("GET", string.Join(',', ok.Headers.GetValues("Access-Control-Allow-Methods")));

        using var refused = Preflight("https://evil.example.com");
        var no = await client.SendAsync(refused, Ct);
        Assert.False(no.Headers.Contains("Access-Control-Allow-Origin"));

        using var simple = new HttpRequestMessage(HttpMethod.Get, "/blood-use/token?id=x&password=y");
        simple.Headers.Add("Origin", BloodUseFixture.AllowedOrigin);
        var get = await client.SendAsync(simple, Ct);
        Assert.Equal(BloodUseFixture.AllowedOrigin, Assert.Single(get.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/blood-use/blduseinfo?token=x&identityNumber=y");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }
}
