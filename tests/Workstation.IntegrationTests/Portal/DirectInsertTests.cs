using System.Reflection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Audit;
using Workstation.Portal.CdsHooks;
using Workstation.Portal.HealthCard;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Portal;

/// <summary>On SQLite the group commit inserts its rows with prepared statements instead of SaveChanges: the stored
/// columns must be exactly those SaveChanges writes, and rows a SaveChanges interceptor must see still go through it.</summary>
public sealed class DirectInsertTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every row type the group commit writes, with a distinct non-default value in every property.</summary>
    private static readonly Type[] Written =
        [typeof(OrderCheck), typeof(LaunchTicket), typeof(CdsCard), typeof(CdsTokenUse), typeof(ListedReport), typeof(AuditEvent), typeof(CardUsage)];

    [Fact]
    public async Task Each_row_type_the_group_commit_writes_is_stored_with_the_same_columns_as_SaveChanges()
    {
        var dir = Directory.CreateTempSubdirectory("ws-direct").FullName;
        try
        {
            var viaSaveChanges = await MigratedAsync(Path.Combine(dir, "ef.db"));
            var viaDirect = await MigratedAsync(Path.Combine(dir, "direct.db"));
            await using (var db = Context(viaSaveChanges))
            {
                foreach (var type in Written) db.Add(Filled(type));
                await db.SaveChangesAsync(Ct);
            }
            await using (var db = Context(viaDirect))
            {
                using var direct = new SqliteDirectInserts(db.Model, viaDirect, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
                Assert.All(Written, type => Assert.True(direct.Handles(type), $"{type.Name} takes the direct path"));
                var rows = Written.Select(Filled).ToList();
                direct.Insert(rows);
                // An integer key SQLite numbers is read back, as SaveChanges does (the card check answers with it).
                Assert.Equal(1, rows.OfType<AuditEvent>().Single().Id);
                Assert.Equal(1, rows.OfType<CardUsage>().Single().Id);
            }

            await using var model = Context(viaSaveChanges);
            foreach (var type in Written)
            {
                var table = model.Model.FindEntityType(type)!.GetTableName()!;
                var expected = await RowsAsync(viaSaveChanges, table);
                Assert.Single(expected);
                Assert.Equal(expected, await RowsAsync(viaDirect, table));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_row_of_a_closed_day_written_by_the_group_commit_still_gets_its_review_mark()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var dataDir = Directory.CreateTempSubdirectory("ws-direct-marks").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, dataDir));
        var writer = factory.Services.GetRequiredService<GroupCommitWriter>();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReviewOptions>>().Value;
        var threeDaysAgo = DateTime.UtcNow.AddDays(-3);

        await writer.InsertAsync(Listing("R-TODAY", DateTime.UtcNow));
        await writer.InsertAsync(Listing("R-PAST", threeDaysAgo));

        await using var db = await dbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(["R-PAST", "R-TODAY"], await db.ListedReports.Where(l => l.EncounterId == "E-DIRECT").Select(l => l.ReportId).OrderBy(r => r).ToListAsync(Ct));
        var marked = await db.ReviewChangedDays.Select(d => d.Day).ToListAsync(Ct);
        Assert.Contains(DateOnly.FromDateTime(threeDaysAgo + options.UtcOffset), marked);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Every_SaveChanges_interceptor_that_acts_on_added_rows_says_which_rows_it_needs()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            PortalFixture.Configure(b, sandbox, Directory.CreateTempSubdirectory("ws-direct-rules").FullName));
        // The audit trail's guard refuses changed and removed audit rows only; it has nothing to do with an insert.
        Type[] ignoreAddedRows = [typeof(AppendOnlyGuard)];
        var interceptors = factory.Services.GetServices<ISaveChangesInterceptor>().ToList();
        Assert.NotEmpty(interceptors);
        Assert.All(interceptors, i => Assert.True(i is IAddedRowRule || ignoreAddedRows.Contains(i.GetType()),
            $"{i.GetType().Name} must implement IAddedRowRule, or the group commit's direct inserts on SQLite will bypass it"));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The writer's connection does not checkpoint the WAL inside a commit (decision 0018: the batch's waiters,
    /// and every request queued behind it, waited for it), and <see cref="SqliteDirectInserts.CheckpointIfDue"/> copies
    /// the WAL into the database file once one is due: 100 ms after the last when no row waits, 1 s after it in any case.</summary>
    [Fact]
    public async Task The_wal_is_checkpointed_between_batches_when_one_is_due_never_inside_a_commit()
    {
        var dir = Directory.CreateTempSubdirectory("ws-direct-wal").FullName;
        var file = Path.Combine(dir, "direct.db");
        try
        {
            var connection = await MigratedAsync(file);
            await using (var wal = new SqliteConnection(connection))
            {
                await wal.OpenAsync(Ct);
                await using var command = wal.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_checkpoint(TRUNCATE);"; // as the portal runs it, the schema in the file
                await command.ExecuteNonQueryAsync(Ct);
            }
            var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
            await using var db = Context(connection);
            using var direct = new SqliteDirectInserts(db.Model, connection, time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            Assert.True(direct.Handles(typeof(ListedReport)));
            var now = DateTime.UtcNow;
            var stored = 0;
            void Batch(int rows) => direct.Insert([.. Enumerable.Range(0, rows).Select(_ => (object)Listing($"R-{++stored}", now))]);

            // Small commits, as under load, far past the 1,000 pages at which SQLite itself checkpoints inside a commit.
            for (var i = 0; i < 600; i++) Batch(5);
            var walPages = (new FileInfo(file + "-wal").Length - 32) / (4096 + 24);
            Assert.True(walPages > 2000, $"the WAL holds {walPages} pages");
            Assert.Equal(0, InTheFileAlone());

            time.Advance(TimeSpan.FromMilliseconds(99));
            direct.CheckpointIfDue(idle: true);
            Assert.Equal(0, InTheFileAlone());
            time.Advance(TimeSpan.FromMilliseconds(1));
            direct.CheckpointIfDue(idle: false); // rows are waiting: not before a second has passed
            Assert.Equal(0, InTheFileAlone());
            direct.CheckpointIfDue(idle: true);
            Assert.Equal(3000, InTheFileAlone());

            Batch(5);
            time.Advance(TimeSpan.FromMilliseconds(999));
            direct.CheckpointIfDue(idle: false);
            Assert.Equal(3000, InTheFileAlone());
            time.Advance(TimeSpan.FromMilliseconds(1));
            direct.CheckpointIfDue(idle: false);
            Assert.Equal(3005, InTheFileAlone());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }

        // The database file copied without its WAL: only what was checkpointed into it.
        int InTheFileAlone()
        {
            var copy = Path.Combine(dir, $"alone-{Guid.NewGuid():N}.db");
            File.Copy(file, copy);
            using var alone = new SqliteConnection($"Data Source={copy};Pooling=False");
            alone.Open();
            using var command = alone.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM listed_reports";
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static ListedReport Listing(string report, DateTime at) => new()
    {
        ClientId = "test-his", EncounterId = "E-DIRECT", PatientId = "P1", ReportId = report, ItemCode = "L001", Institution = "A",
        ReportDate = at.AddDays(-1), ValidUntil = at.AddDays(6), Recognisable = true, ListedAt = at,
        DoctorId = "D1", DepartmentCode = "NK", Setting = "outpatient", Source = ListingSources.Badge,
    };

    private static async Task<string> MigratedAsync(string file)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
        await using var db = Context(connection);
        await db.Database.MigrateAsync(Ct);
        return connection;
    }

    private static SqlitePortalDbContext Context(string connection) =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(connection).Options);

    /// <summary>Every row of <paramref name="table"/>, each column as "name=storage class:value".</summary>
    private static async Task<List<string>> RowsAsync(string connectionString, string table)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i =>
                $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "NULL" : reader.GetFieldType(i).Name + ":" + Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}")));
        }
        return rows;
    }

    /// <summary>An instance with every settable property set to a value of its type other than the default.</summary>
    private static object Filled(Type type)
    {
        var row = Activator.CreateInstance(type, nonPublic: true)!;
        var n = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            n++;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? value = target switch
            {
                _ when target == typeof(string) => $"{property.Name}-{n}",
                _ when target == typeof(int) || target == typeof(long) => property.Name == "Id" ? null : Convert.ChangeType(40 + n, target),
                _ when target == typeof(bool) => true,
                _ when target == typeof(DateTime) => new DateTime(2026, 12, 5, 8, 30, 15, DateTimeKind.Utc).AddTicks(1234567 + n),
                _ when target == typeof(DateTimeOffset) => new DateTimeOffset(2026, 12, 5, 8, 30, 15, TimeSpan.FromHours(8)).AddTicks(n),
                _ when target == typeof(DateOnly) => new DateOnly(2026, 12, 1).AddDays(n),
                _ when target == typeof(double) => 1.25 + n,
                _ when target == typeof(decimal) => 1.25m + n,
                _ when target == typeof(Guid) => new Guid($"00000000-0000-0000-0000-{n:D12}"),
                _ when target.IsEnum => Enum.GetValues(target).Cast<object>().Last(),
                _ => throw new InvalidOperationException($"{type.Name}.{property.Name}: no test value for {target.Name}"),
            };
            if (value is not null) property.SetValue(row, value);
        }
        return row;
    }
}
