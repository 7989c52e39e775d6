using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Demo;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Review;

/// <summary>The hospital-wide figures from pre-computed days equal the figures from the rows over a generated year, on
/// SQLite and on PostgreSQL, also after a late decision and a re-check change past days (read from the rows until the
/// next pass computes them again).</summary>
public sealed class PrecomputedFiguresTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Precomputed_and_row_figures_agree_over_a_generated_year_and_after_late_changes(string provider)
    {
        var extra = new Dictionary<string, string?> { ["Review:PrecomputeInterval"] = "01:00:00" };
        if (provider == "Postgres")
        {
            var server = Environment.GetEnvironmentVariable("WORKSTATION_TEST_POSTGRES");
            if (string.IsNullOrEmpty(server)) Assert.Skip("PostgreSQL not available (run ./test.sh as root, or set WORKSTATION_TEST_POSTGRES).");
            extra["Storage:Provider"] = "Postgres";
            extra["Storage:ConnectionString"] = server + ";Database=workstation_pre_" + Guid.NewGuid().ToString("N")[..10];
        }
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-pre").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, extra));
        var services = factory.Services;
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        try
        {
            await services.GetRequiredService<ReviewDemoGenerator>().GenerateAsync(new DemoHistory(4000, ListingsForDays: 200), seed: 20, null, Ct);
            var precomputer = services.GetRequiredService<ReviewPrecomputer>();
            var first = await precomputer.PrecomputeAsync(Ct);
            Assert.True(first.Days >= 365 && first.Months >= 11, $"pre-computed {first.Days} days and {first.Months} months");

            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
            var ranges = new (DateOnly From, DateOnly To)[]
            {
                (today.AddDays(-365), today),                      // the year: approximation before listings, exact after, today from the rows
                (today.AddDays(-89), today),                       // the default view
                (today.AddDays(-210), today.AddDays(-190)),        // across the day listings began
                (new DateOnly(today.Year, today.Month, 1).AddMonths(-3), new DateOnly(today.Year, today.Month, 1).AddDays(-1)), // whole months
                (today.AddDays(-1), today.AddDays(-1)),            // one closed day
            };
            foreach (var range in ranges) await AssertSameAsync(services, range, expectPrecomputed: true);

            // A late decision: a pair listed on a past day, recognised now, changes that day's goal-10 numerator.
            Assert.Equal(0, await CountChangedAsync(dbFactory));
            var before = await SummaryAsync(services, ranges[0]);
            await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            {
                var listed = await db.ListedReports.AsNoTracking()
                    .Where(l => l.Recognisable && l.ListedAt < DateTime.UtcNow.AddDays(-30) && !db.Set<RecognitionDecision>().Any(d => d.PatientId == l.PatientId && d.ReportId == l.ReportId))
                    .OrderBy(l => l.Id).FirstAsync(Ct);
                db.Decisions.Add(new RecognitionDecision
                {
                    DecisionToken = Guid.NewGuid().ToString("N"), ClientId = ReviewDemoGenerator.ClientId, EncounterId = "late", DraftOrderId = "late", LineId = "1",
                    ItemCode = listed.ItemCode, ItemName = listed.ItemCode, ReportId = listed.ReportId, ReportInstitution = listed.Institution,
                    ReportDate = DateTime.UtcNow.AddDays(-1), Choice = DecisionChoices.Recognise, ReasonCodes = "", DoctorId = "G01001", DoctorName = "late",
                    DepartmentCode = listed.DepartmentCode, DepartmentName = "late", PatientId = listed.PatientId, PatientName = "late", Setting = listed.Setting,
                    Stage = CheckStages.Add, CheckId = "late", PresentedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow, RetainStatus = RetainStatuses.Pending,
                });
                // A re-check reconciles a past not-checked order check.
                var pending = await db.OrderChecks.Where(c => c.Status == OrderCheckStatus.NotChecked && c.CreatedAt < DateTime.UtcNow.AddDays(-30))
                    .OrderBy(c => c.CreatedAt).FirstAsync(Ct);
                (pending.Status, pending.RecheckedAt) = (OrderCheckStatus.Clear, DateTime.UtcNow);
                await db.SaveChangesAsync(Ct);
            }
            Assert.True(await CountChangedAsync(dbFactory) >= 2, "the changed past days are marked in the same transaction");
            var after = await AssertSameAsync(services, ranges[0], expectPrecomputed: true);
            Assert.Equal(before.RecognitionRate.Numerator + 1, after.RecognitionRate.Numerator);
            Assert.Equal(before.NotCheckedReconciled + 1, after.NotCheckedReconciled);
            Assert.True(after.PrecomputedDays < before.PrecomputedDays, "the changed days are read from the rows");

            var again = await precomputer.PrecomputeAsync(Ct);
            Assert.True(again.Days is > 0 and < 10, $"only the changed days are computed again ({again.Days})");
            Assert.Equal(0, await CountChangedAsync(dbFactory));
            var recomputed = await AssertSameAsync(services, ranges[0], expectPrecomputed: true);
            Assert.Equal(before.PrecomputedDays, recomputed.PrecomputedDays);
            Assert.Equal(after.RecognitionRate, recomputed.RecognitionRate);
        }
        finally
        {
            await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
            {
                if (!db.Database.IsSqlite()) await db.Database.EnsureDeletedAsync(CancellationToken.None);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> CountChangedAsync(IDbContextFactory<PortalDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        return await db.ReviewChangedDays.CountAsync(Ct);
    }

    private static async Task<ReviewSummary> SummaryAsync(IServiceProvider services, (DateOnly From, DateOnly To) range)
    {
        using var scope = services.CreateScope();
        var explorer = scope.ServiceProvider.GetRequiredService<ReviewExplorer>();
        var (filter, problem) = await explorer.ResolveAsync(new ReviewFilter { From = range.From, To = range.To }, Ct);
        Assert.Null(problem);
        return await scope.ServiceProvider.GetRequiredService<ReviewSummaryService>().SummarizeAsync(filter!, Ct);
    }

    /// <summary>The summary (pre-computed path) and the rows' summary, figure by figure.</summary>
    private static async Task<ReviewSummary> AssertSameAsync(IServiceProvider services, (DateOnly From, DateOnly To) range, bool expectPrecomputed)
    {
        using var scope = services.CreateScope();
        var explorer = scope.ServiceProvider.GetRequiredService<ReviewExplorer>();
        var (filter, _) = await explorer.ResolveAsync(new ReviewFilter { From = range.From, To = range.To }, Ct);
        var summaries = scope.ServiceProvider.GetRequiredService<ReviewSummaryService>();
        var precomputed = await summaries.SummarizeAsync(filter!, Ct);
        var rows = await summaries.FromRowsAsync(filter!, Ct);
        if (expectPrecomputed) Assert.True(precomputed.PrecomputedDays > 0, $"{range}: the pre-computed days were used");
        Assert.Null(rows.PrecomputedAt);
        using var a = JsonDocument.Parse(JsonSerializer.Serialize(precomputed));
        using var b = JsonDocument.Parse(JsonSerializer.Serialize(rows));
        foreach (var property in b.RootElement.EnumerateObject())
        {
            if (property.Name is nameof(ReviewSummary.PrecomputedAt) or nameof(ReviewSummary.PrecomputedDays)) continue;
            Assert.True(property.Value.GetRawText() == a.RootElement.GetProperty(property.Name).GetRawText(),
                $"{range.From}..{range.To} {property.Name}: rows {Short(property.Value)} vs pre-computed {Short(a.RootElement.GetProperty(property.Name))}");
        }
        Assert.True(rows.Decisions > 0 || range.From == range.To, $"{range}: the range has decisions");
        return precomputed;
    }

    private static string Short(JsonElement e) => e.GetRawText() is { Length: > 400 } s ? s[..400] + "…" : e.GetRawText();
}
