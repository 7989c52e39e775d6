using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Rows written with <see cref="BulkInsert"/> (the scale generator's path) read back through EF exactly as
/// written — times, nulls, booleans — on SQLite and PostgreSQL, more rows than one statement holds, inside the caller's
/// transaction (rolled back: nothing stays).</summary>
public sealed class BulkInsertTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Bulk_rows_read_back_as_written_and_roll_back_with_the_callers_transaction(string provider)
    {
        var extra = new Dictionary<string, string?>();
        if (provider == "Postgres")
        {
            var server = Environment.GetEnvironmentVariable("WORKSTATION_TEST_POSTGRES");
            if (string.IsNullOrEmpty(server)) Assert.Skip("PostgreSQL not available (run ./test.sh as root, or set WORKSTATION_TEST_POSTGRES).");
            extra["Storage:Provider"] = "Postgres";
            extra["Storage:ConnectionString"] = server + ";Database=workstation_bulk_" + Guid.NewGuid().ToString("N")[..10];
        }
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-bulk").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir, extra));
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        try
        {
            var at = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1230); // microseconds (PostgreSQL keeps no finer)
            var decisions = Enumerable.Range(0, 1234).Select(i => new RecognitionDecision
            {
                DecisionToken = $"bulk-{i}", ClientId = "bulk", EncounterId = $"E{i}", DraftOrderId = $"O{i}", LineId = "1", ItemCode = "L001",
                ItemName = "血常规", ReportId = $"R{i}", ReportInstitution = "惠州市中心人民医院", ReportDate = at.AddDays(-i % 7),
                Choice = i % 3 == 0 ? DecisionChoices.Decline : DecisionChoices.Recognise, ReasonCodes = i % 3 == 0 ? "OTHER" : "",
                FreeText = i % 3 == 0 ? $"说明 {i}" : null, DoctorId = "D001", DoctorName = "王医生", DepartmentCode = "NK", DepartmentName = "心血管内科",
                PatientId = $"P{i % 50}", PatientName = "张伟", Setting = "outpatient", Stage = "add", CheckId = $"C{i}",
                PresentedAt = at.AddSeconds(i), DecidedAt = at.AddSeconds(i + 30), RetainStatus = "n/a",
            }).ToList();
            var checks = Enumerable.Range(0, 3).Select(i => new OrderCheck
            {
                Id = $"C{i}", ClientId = "bulk", EncounterId = $"E{i}", DraftOrderId = $"O{i}", Stage = "save", Status = OrderCheckStatus.Clear,
                Reason = i == 0 ? null : "Timeout", ContextJson = "{}", DepartmentCode = "NK", DoctorId = "D001", Setting = "outpatient",
                ItemCodes = ",L001,", WasNotChecked = i > 0, LinesJson = "[]", CreatedAt = at, RecheckedAt = i == 2 ? at.AddMinutes(5) : null,
            }).ToList();
            var listings = Enumerable.Range(0, 2).Select(i => new ListedReport
            {
                ClientId = "bulk", EncounterId = $"E{i}", PatientId = "P1", ReportId = $"R{i}", ItemCode = "L001", Institution = "惠州市中心人民医院",
                ReportDate = at, ValidUntil = at.AddDays(7), Recognisable = i == 0, ListedAt = at, DoctorId = "D001", DepartmentCode = "NK",
                Setting = "outpatient", Source = ListingSources.Badge,
            }).ToList();

            await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            {
                await BulkInsert.InsertAsync(db, decisions, Ct);
                await BulkInsert.InsertAsync(db, checks, Ct);
                await BulkInsert.InsertAsync(db, listings, Ct);
            }

            await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            {
                var read = await db.Decisions.AsNoTracking().Where(d => d.ClientId == "bulk").OrderBy(d => d.Id).ToListAsync(Ct);
                Assert.Equal(decisions.Count, read.Count);
                for (var i = 0; i < read.Count; i++) AssertSame(decisions[i], read[i], nameof(RecognitionDecision.Id));
                var readChecks = await db.OrderChecks.AsNoTracking().Where(c => c.ClientId == "bulk").OrderBy(c => c.Id).ToListAsync(Ct);
                for (var i = 0; i < checks.Count; i++) AssertSame(checks[i], readChecks[i]);
                var readListings = await db.ListedReports.AsNoTracking().Where(l => l.ClientId == "bulk").OrderBy(l => l.Id).ToListAsync(Ct);
                for (var i = 0; i < listings.Count; i++) AssertSame(listings[i], readListings[i], nameof(ListedReport.Id));
                // Queries compare the times as EF writes them (a range filter finds the bulk rows).
                Assert.Equal(1234, await db.Decisions.CountAsync(d => d.ClientId == "bulk" && d.DecidedAt >= at && d.DecidedAt < at.AddDays(1), Ct));
            }

            await using (var db = await dbFactory.CreateDbContextAsync(Ct))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                await BulkInsert.InsertAsync(db, [Decision("rolled-back")], Ct);
                Assert.Equal(1, await db.Decisions.CountAsync(d => d.ClientId == "rolled-back", Ct)); // visible inside
                await transaction.RollbackAsync(Ct);
            }
            await using (var db = await dbFactory.CreateDbContextAsync(Ct))
                Assert.Equal(0, await db.Decisions.CountAsync(d => d.ClientId == "rolled-back", Ct));
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

    private static RecognitionDecision Decision(string client) => new()
    {
        DecisionToken = Guid.NewGuid().ToString("N"), ClientId = client, EncounterId = "E", DraftOrderId = "O", LineId = "1", ItemCode = "L001",
        ItemName = "血常规", ReportId = "R", ReportInstitution = "", ReportDate = DateTime.UtcNow, Choice = DecisionChoices.Recognise, ReasonCodes = "",
        DoctorId = "D", DoctorName = "", DepartmentCode = "NK", DepartmentName = "", PatientId = "P", PatientName = "", Setting = "outpatient",
        Stage = "add", CheckId = "C", PresentedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow, RetainStatus = "n/a",
    };

    private static void AssertSame<T>(T written, T read, params string[] except)
    {
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite && !except.Contains(p.Name)))
        {
            var (expected, actual) = (property.GetValue(written), property.GetValue(read));
            if (expected is DateTime e && actual is DateTime a) (expected, actual) = (e.ToUniversalTime().Ticks, DateTime.SpecifyKind(a, DateTimeKind.Utc).Ticks);
            Assert.True(Equals(expected, actual), $"{typeof(T).Name}.{property.Name}: wrote {expected}, read {actual}");
        }
    }
}
