using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.HealthCard;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;
using Workstation.Sandbox.CardManagement;

namespace Workstation.IntegrationTests.HealthCard;

public sealed class HealthCardTests(HealthCardFixture fixture) : IClassFixture<HealthCardFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static DemoCard Zhang => CardManagementState.DemoCards.Single(c => c.HisId == "P1001");
    private static DemoCard Liu => CardManagementState.DemoCards.Single(c => c.HisId == "P1005");

    private T Service<T>() where T : notnull => fixture.Factory.Services.GetRequiredService<T>();

    private HttpClient Client()
    {
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        return client;
    }

    private static object Body(DemoCard card, string scene = "consultation", string terminal = "T-01", string? cardNumber = null) => new
    {
        cardNumber = cardNumber ?? card.CardNumber, idNumber = card.IdNumber, scene, terminalId = terminal, operatorId = "D001",
    };

    private async Task<CardVerifyResponse> VerifyAsync(object body)
    {
        var response = await Client().PostAsJsonAsync("/api/v1/health-card/verify", body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CardVerifyResponse>(JsonSerializerOptions.Web, Ct))!;
    }

    private async Task EnsureLoadedAsync()
    {
        if (Service<Blacklist>().Version == 0) await Service<BlacklistSync>().SyncOnceAsync(Ct);
    }

    [Theory]
    [InlineData("{\"cardNumber\": 12345, \"idNumber\": \"x\", \"scene\": \"consultation\", \"terminalId\": \"T\", \"operatorId\": \"D001\"}", "cardNumber", "must be a string")]
    [InlineData("{\"cardNumber\": \"1\", \"idNumber\": [\"x\"], \"scene\": \"consultation\", \"terminalId\": \"T\", \"operatorId\": \"D001\"}", "idNumber", "must be a string")]
    [InlineData("{\"cardNumber\": \"1\", \"idNumber\": \"x\", \"scene\": {}, \"terminalId\": \"T\", \"operatorId\": \"D001\"}", "scene", "must be a string")]
    public async Task A_value_of_the_wrong_json_type_is_refused_naming_the_field(string body, string field, string expected)
    {
        var before = await UsageCountAsync();
        var response = await Client().PostAsync("/api/v1/health-card/verify", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains($"The field {field} {expected}", StringComparison.Ordinal));
        Assert.Equal(before, await UsageCountAsync()); // nothing logged for a request that was not understood
    }

    private async Task<int> UsageCountAsync()
    {
        await using var db = await Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Set<CardUsage>().CountAsync(Ct);
    }

    [Fact]
    public async Task A_blacklisted_card_is_refused_with_the_reason_and_its_use_is_logged()
    {
        await EnsureLoadedAsync();
        var refused = await VerifyAsync(Body(Liu, "registration", "T-REG-1"));
        var allowed = await VerifyAsync(Body(Zhang, "registration", "T-REG-1"));

        Assert.False(refused.Allowed);
        Assert.Equal("blacklisted", refused.ReasonCode);
        Assert.Equal("provincial", refused.BlacklistScope);
        Assert.Equal("该居民健康卡在省级黑名单中（挂失），不能用于挂号", refused.Reason);
        Assert.True(allowed.Allowed);
        Assert.Null(allowed.Reason);

        await using var db = await Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var log = await db.CardUsages.SingleAsync(u => u.Id == refused.UsageId, Ct);
        Assert.False(log.Allowed);
        Assert.Equal(("registration", "T-REG-1", "D001", "test-his", "provincial:挂失"), (log.Scene, log.TerminalId, log.OperatorId, log.ClientId, log.Reason));
        Assert.True((await db.CardUsages.SingleAsync(u => u.Id == allowed.UsageId, Ct)).Allowed);
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_no_key_is_a_401()
    {
        var badCheck = Zhang.IdNumber[..17] + (Zhang.IdNumber[17] == '0' ? '1' : '0');
        foreach (var (body, field) in new (object, string)[]
                 {
                     (Body(Zhang, cardNumber: "12-34"), "cardNumber"),
                     (new { cardNumber = Zhang.CardNumber, idNumber = badCheck, scene = "consultation", terminalId = "T", operatorId = "D" }, "idNumber"),
                     (Body(Zhang, scene: "surgery"), "scene"),
                     (Body(Zhang, terminal: ""), "terminalId"),
                 })
        {
            var response = await Client().PostAsJsonAsync("/api/v1/health-card/verify", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        var oversized = await Client().PostAsync("/api/v1/health-card/verify",
            new StringContent(JsonSerializer.Serialize(new { cardNumber = new string('1', 20_000) }), System.Text.Encoding.UTF8, "application/json"), Ct);
        // Kestrel enforces the endpoint's 4 KB limit (413); the in-memory test server cannot, and the validation refuses it.
        Assert.Contains(oversized.StatusCode, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest });
        Assert.Equal("application/problem+json", oversized.Content.Headers.ContentType?.MediaType);

        var anonymous = await fixture.Factory.CreateClient().PostAsJsonAsync("/api/v1/health-card/verify", Body(Zhang), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_delta_is_applied_and_a_gap_triggers_a_full_resync()
    {
        await EnsureLoadedAsync();
        var sync = Service<BlacklistSync>();
        var blacklist = Service<Blacklist>();
        var cards = fixture.Sandbox.Cards;
        var chen = CardManagementState.DemoCards.Single(c => c.HisId == "P1004");

        cards.Publish([new BlacklistEntry(chen.CardNumber, "national", "注销")], []);
        Assert.Equal(BlacklistSyncOutcome.DeltasApplied, await sync.SyncOnceAsync(Ct));
        Assert.Equal(cards.Version, blacklist.Version);
        var refused = await VerifyAsync(Body(chen, "dispensing"));
        Assert.False(refused.Allowed);
        Assert.Equal("该居民健康卡在国家黑名单中（注销），不能用于取药", refused.Reason);
        Assert.Equal(BlacklistSyncOutcome.Unchanged, await sync.SyncOnceAsync(Ct));

        // Version n+1 never arrives; n+2 does: the portal must not apply n+2 on top of n.
        var fullLoads = blacklist.Status.FullLoads;
        cards.PublishLost([], [chen.CardNumber]);
        cards.Publish([new BlacklistEntry("1300000000000000888", "provincial", "冒用")], []);
        Assert.Equal(BlacklistSyncOutcome.FullResyncAfterGap, await sync.SyncOnceAsync(Ct));
        Assert.Equal(fullLoads + 1, blacklist.Status.FullLoads);
        Assert.Equal(cards.Version, blacklist.Version);
        Assert.Equal(cards.Count, blacklist.Count);
        Assert.True((await VerifyAsync(Body(chen, "dispensing"))).Allowed);
        Assert.NotNull(blacklist.Find("1300000000000000888"));

        // The persisted copy follows.
        await using var db = await Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(cards.Count, await db.BlacklistedCards.CountAsync(Ct));
        Assert.Equal(cards.Version, (await db.BlacklistSyncStates.SingleAsync(Ct)).Version);
    }

    [Fact]
    public async Task With_the_card_system_down_verify_answers_from_the_last_list_and_health_degrades_when_it_is_too_old()
    {
        await EnsureLoadedAsync();
        fixture.Sandbox.Cards.BlacklistFailures.Left = 1;
        Assert.Equal(BlacklistSyncOutcome.Failed, await Service<BlacklistSync>().SyncOnceAsync(Ct));
        Assert.Contains("503", Service<Blacklist>().Status.LastError);
        Assert.False((await VerifyAsync(Body(Liu))).Allowed);

        var options = Service<IOptionsMonitor<HealthCardOptions>>();
        var fresh = await new BlacklistHealthCheck(Service<Blacklist>(), options, TimeProvider.System).CheckHealthAsync(new HealthCheckContext(), Ct);
        var stale = await new BlacklistHealthCheck(Service<Blacklist>(), options, new Later(options.CurrentValue.MaxBlacklistAge + TimeSpan.FromMinutes(1)))
            .CheckHealthAsync(new HealthCheckContext(), Ct);
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Contains("card system answered 503", stale.Description);
    }

    [Fact]
    public async Task After_a_restart_with_the_card_system_not_listening_verify_answers_from_the_persisted_list()
    {
        await EnsureLoadedAsync();
        await using var unreachable = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("HealthCard:CardSystemBaseUrl", "http://127.0.0.1:9/"));
        var sync = unreachable.Services.GetRequiredService<BlacklistSync>();

        Assert.Equal(BlacklistSyncOutcome.Failed, await sync.SyncOnceAsync(Ct));
        var restarted = unreachable.Services.GetRequiredService<Blacklist>();
        Assert.Contains("unreachable", restarted.Status.LastError);
        Assert.Equal(Service<Blacklist>().Version, restarted.Version);
        var client = unreachable.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var response = await client.PostAsJsonAsync("/api/v1/health-card/verify", Body(Liu), Ct);
        Assert.False((await response.Content.ReadFromJsonAsync<CardVerifyResponse>(JsonSerializerOptions.Web, Ct))!.Allowed);
    }

    [Fact]
    public async Task Usage_logs_reach_the_card_system_exactly_once_while_it_fails_30_percent_of_calls()
    {
        await EnsureLoadedAsync();
        var ids = new List<long>();
        for (var i = 0; i < 45; i++)
            ids.Add((await VerifyAsync(Body(i % 5 == 0 ? Liu : Zhang, CardScenes.All[i % 8].Code, "T-EXACT"))).UsageId!.Value);

        var cards = fixture.Sandbox.Cards;
        cards.UsageFailureRatio = 0.3;
        var callsBefore = cards.UsageCalls;
        try
        {
            while (await Service<CardUsageBatcher>().RunOnceAsync(Ct) > 0)
            {
            }
            var dispatcher = Service<OutboxDispatcher>();
            for (var pass = 0; pass < 200 && await PendingAsync() > 0; pass++) await dispatcher.RunOnceAsync(Ct);
            Assert.Equal(0, await PendingAsync());
        }
        finally
        {
            cards.UsageFailureRatio = 0;
        }

        var received = cards.Batches.SelectMany(b => b.Entries).Select(e => e.UsageId).ToList();
        foreach (var id in ids) Assert.Single(received, r => r == id);
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.True(cards.UsageCalls - callsBefore > cards.Batches.Count, "some calls failed and were retried");
        Assert.All(cards.Batches, b => Assert.Equal("441300900", b.HospitalCode));

        await using var db = await Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.CardUsages.CountAsync(u => u.BatchId == null, Ct));
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Destination == "card-system" && m.State == OutboxStates.Dead, Ct));
    }

    [Fact]
    public async Task Verify_is_in_the_openapi_document_with_the_his_key_and_its_problem_responses()
    {
        var document = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var verify = document.GetProperty("paths").GetProperty("/api/v1/health-card/verify").GetProperty("post");
        Assert.True(verify.GetProperty("security")[0].TryGetProperty("HisApiKey", out _));
        foreach (var status in new[] { "200", "400", "401", "403" }) Assert.True(verify.GetProperty("responses").TryGetProperty(status, out _), status);
    }

    private async Task<int> PendingAsync()
    {
        await using var db = await Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Outbox.CountAsync(m => m.Destination == "card-system" && m.State != OutboxStates.Delivered, Ct);
    }

    private sealed class Later(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
