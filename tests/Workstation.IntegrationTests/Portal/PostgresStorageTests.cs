using Workstation.Portal.Alerts;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Alerts;
using Workstation.IntegrationTests.Doctor;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>The same flows on PostgreSQL (Storage:Provider=Postgres). ./test.sh installs and starts PostgreSQL 15 on
/// 127.0.0.1 when run as root and sets WORKSTATION_TEST_POSTGRES; without it the test reports itself skipped.</summary>
public sealed class PostgresStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrations_decisions_retention_and_alerts_work_on_postgres()
    {
        var server = Environment.GetEnvironmentVariable("WORKSTATION_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server)) Assert.Skip("PostgreSQL not available (run ./test.sh as root, or set WORKSTATION_TEST_POSTGRES).");
        var connection = server + ";Database=workstation_it_" + Guid.NewGuid().ToString("N")[..10];

        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-pg").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir,
            new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = connection }));
        try
        {
            var api = factory.CreateClient();
            api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
            var check = await (await api.PostAsJsonAsync("/api/v1/orders/check", new
            {
                context = LaunchTests.Zhang("E-PG"), draftOrderId = "D-PG", stage = "save",
                items = new[] { new { lineId = "1", itemCode = "E002" } },
            }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("duplicates", check.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.Conflict, (await ValidateAsync(api)).StatusCode);

            var decisions = factory.Services.CreateScope().ServiceProvider.GetRequiredService<DecisionService>();
            var stored = await decisions.RecordAsync(LaunchTests.Zhang("E-PG").ToContext("test-his"), check.GetProperty("checkId").GetString()!,
                [new DecisionInput("1", DecisionChoices.Recognise, [], null)], Ct);

            Assert.Equal(RetainStatuses.Retained, stored.Single().RetainStatus);
            Assert.Equal(HttpStatusCode.OK, (await ValidateAsync(api)).StatusCode);
            var webhook = await factory.CreateClient().SendAsync(WebhookClient.Signed(WebhookClient.CriticalValue("pg-" + Guid.NewGuid().ToString("N")), PortalFixture.LisSecret), Ct);
            Assert.Equal(HttpStatusCode.Accepted, webhook.StatusCode);

            var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await using var db = await dbFactory.CreateDbContextAsync(Ct);
            Assert.True(db.Database.IsNpgsql());
            Assert.Equal(1, await db.RetainedReports.CountAsync(r => r.EncounterId == "E-PG", Ct));
            Assert.Equal(1, await db.CriticalValueAlerts.CountAsync(Ct));
        }
        finally
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(CancellationToken.None);
            await db.Database.EnsureDeletedAsync(CancellationToken.None);
        }
    }

    private static Task<HttpResponseMessage> ValidateAsync(HttpClient api) => api.PostAsJsonAsync("/api/v1/orders/validate", new
    {
        encounterId = "E-PG", draftOrderId = "D-PG", items = new[] { new { lineId = "1", itemCode = "E002" } },
    }, Ct);
}
