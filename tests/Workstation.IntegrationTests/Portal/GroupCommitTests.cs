using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
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
        var failures = new FailingSaves();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            PortalFixture.Configure(b, sandbox, dataDir);
            b.ConfigureTestServices(s => s.AddSingleton<ISaveChangesInterceptor>(failures));
        });
        var writer = factory.Services.GetRequiredService<GroupCommitWriter>();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        failures.Remaining = 2; // the database refuses the next two batches
        writer.Post(Listing("R1"));
        writer.Post(Listing("R2"));
        await Eventually.UntilAsync(() => writer.Pending == 0, "the rows to be committed after the failures", cancellationToken: Ct);
        Assert.Equal(0, failures.Remaining);

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

    /// <summary>Fails the saves of listings while <see cref="Remaining"/> is above zero, as an unreachable database would.</summary>
    private sealed class FailingSaves : SaveChangesInterceptor
    {
        private int _remaining;

        public int Remaining
        {
            get => Volatile.Read(ref _remaining);
            set => Volatile.Write(ref _remaining, value);
        }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            if (eventData.Context!.ChangeTracker.Entries<ListedReport>().Any() && Interlocked.Decrement(ref _remaining) >= 0)
                throw new InvalidOperationException("database unavailable (test)");
            Interlocked.CompareExchange(ref _remaining, 0, -1);
            return result;
        }
    }
}
