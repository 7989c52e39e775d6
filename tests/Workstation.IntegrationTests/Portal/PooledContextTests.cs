using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Contexts come from a pool: one handed out again carries nothing of its last use (tracked rows, the group
/// commit's switched-off change detection), and every SQLite connection waits for a busy database inside SQLite.</summary>
public sealed class PooledContextTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_context_from_the_pool_is_clean_and_its_sqlite_connection_waits_when_busy()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-pool").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir));
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        PortalDbContext first;
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            first = db; // returned to the pool when disposed
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Add(new ListedReport
            {
                ClientId = "test-his", EncounterId = "E-POOL", PatientId = "P1", ReportId = "R1", ItemCode = "L001", Institution = "A",
                ReportDate = DateTime.UtcNow.AddDays(-1), ValidUntil = DateTime.UtcNow.AddDays(6), Recognisable = true, ListedAt = DateTime.UtcNow,
                DoctorId = "D1", DepartmentCode = "NK", Setting = "outpatient", Source = ListingSources.Badge,
            }); // never saved
        }

        var again = await FromPoolAsync(dbFactory, first);
        await using (again)
        {
            Assert.Empty(again.ChangeTracker.Entries());
            Assert.True(again.ChangeTracker.AutoDetectChangesEnabled);
            Assert.Equal(0, await again.ListedReports.CountAsync(l => l.EncounterId == "E-POOL", Ct));

            await again.Database.OpenConnectionAsync(Ct);
            await using var command = again.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal((long)SqliteBusyTimeout.Milliseconds, await command.ExecuteScalarAsync(Ct));
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Takes contexts (holding them) until the pool hands out <paramref name="used"/> again; the portal's background
    /// jobs borrow contexts too, so it may be behind a few others or briefly in use.</summary>
    private static async Task<PortalDbContext> FromPoolAsync(IDbContextFactory<PortalDbContext> factory, PortalDbContext used)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var held = new List<PortalDbContext>();
            for (var i = 0; i < 32; i++)
            {
                var db = await factory.CreateDbContextAsync(Ct);
                if (ReferenceEquals(db, used))
                {
                    foreach (var other in held) await other.DisposeAsync();
                    return db;
                }
                held.Add(db);
            }
            foreach (var other in held) await other.DisposeAsync();
            await Task.Yield();
        }
        throw new Xunit.Sdk.XunitException("The pool never handed out the returned context again: contexts are not pooled.");
    }
}
