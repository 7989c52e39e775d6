using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Rows written behind the answer (<see cref="GroupCommitWriter.Post"/>) are never lost: a failed batch is tried
/// again until it commits, and a row a unique index already holds counts as written instead of failing its batch.</summary>
public sealed class GroupCommitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_written_behind_survive_failed_batches_and_a_duplicate_does_not_block_the_others()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-gc").FullName;
        var log = new CapturedLog();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            PortalFixture.Configure(b, sandbox, dataDir);
            b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(log));
        });
        var writer = factory.Services.GetRequiredService<GroupCommitWriter>();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        // The database refuses every insert of a listing while the outage row exists (a trigger: whichever way the
        // writer inserts, SQLite itself refuses), until the test ends the outage after two failed batches.
        await using (var setup = await dbFactory.CreateDbContextAsync(Ct))
        {
            Assert.Equal("listed_reports", setup.Model.FindEntityType(typeof(ListedReport))!.GetTableName());
            await setup.Database.ExecuteSqlRawAsync("CREATE TABLE TestOutage (Id INTEGER PRIMARY KEY)", Ct);
            await setup.Database.ExecuteSqlRawAsync("INSERT INTO TestOutage VALUES (1)", Ct);
            await setup.Database.ExecuteSqlRawAsync("CREATE TRIGGER TestOutageListings BEFORE INSERT ON listed_reports " +
                "WHEN EXISTS (SELECT 1 FROM TestOutage) BEGIN SELECT RAISE(ABORT, 'database unavailable (test)'); END", Ct);
        }
        writer.Post(Listing("R1"));
        writer.Post(Listing("R2"));
        int Failed() => log.Lines.Count(l => l.Contains("not committed", StringComparison.Ordinal) && l.Contains("database unavailable (test)", StringComparison.Ordinal));
        await Eventually.UntilAsync(() => Failed() >= 2, "two failed batches", cancellationToken: Ct);
        Assert.Equal(2, writer.Pending);
        await using (var recovery = await dbFactory.CreateDbContextAsync(Ct))
            await recovery.Database.ExecuteSqlRawAsync("DELETE FROM TestOutage", Ct);
        await Eventually.UntilAsync(() => writer.Pending == 0, "the rows to be committed after the failures", cancellationToken: Ct);

        writer.Post(Listing("R1")); // stored already (another instance listed it too)
        writer.Post(Listing("R3"));
        await Eventually.UntilAsync(() => writer.Pending == 0, "the batch with a duplicate to settle", cancellationToken: Ct);

        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(["R1", "R2", "R3"], await db.ListedReports.Where(l => l.EncounterId == "E-GC").Select(l => l.ReportId).OrderBy(r => r).ToListAsync(Ct));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static ListedReport Listing(string report) => new()
    {
        ClientId = "test-his", EncounterId = "E-GC", PatientId = "P1", ReportId = report, ItemCode = "L001", Institution = "A",
        ReportDate = DateTime.UtcNow.AddDays(-1), ValidUntil = DateTime.UtcNow.AddDays(6), Recognisable = true, ListedAt = DateTime.UtcNow,
        DoctorId = "D1", DepartmentCode = "NK", Setting = "outpatient", Source = ListingSources.Badge,
    };
}
