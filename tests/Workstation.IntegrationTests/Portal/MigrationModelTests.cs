using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Data.Sqlite;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Portal;

/// <summary>One schema history per provider, and it matches the model: a model change without a regenerated Initial
/// (tools/regenerate-initial-migration.sh) fails here, for SQLite and for PostgreSQL, whether or not a PostgreSQL server
/// is running (nothing here connects to one).</summary>
public sealed class MigrationModelTests
{
    private static SqlitePortalDbContext Sqlite(string dataSource = "Data Source=:memory:") =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(dataSource).Options);

    private static PostgresPortalDbContext Postgres() =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=127.0.0.1;Port=1;Database=none").Options);

    public static TheoryData<string> Providers => ["Sqlite", "Postgres"];

    private static PortalDbContext Of(string provider) => provider == "Sqlite" ? Sqlite() : Postgres();

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_migrations_of_each_provider_match_the_model(string provider)
    {
        using var db = Of(provider);
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model has changes no migration holds; run tools/regenerate-initial-migration.sh");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_provider_has_one_initial_migration_that_keeps_the_audit_trail_append_only(string provider)
    {
        using var db = Of(provider);
        var migrations = db.Database.GetMigrations().ToList();
        Assert.Single(migrations);
        Assert.EndsWith("_Initial", migrations[0]);
        var script = db.GetService<IMigrator>().GenerateScript();
        Assert.Contains(provider == "Sqlite" ? "audit_events_no_delete" : "audit_events_append_only()", script);
    }

    [Fact]
    public async Task A_database_from_an_earlier_development_build_is_refused_with_a_plain_message_naming_the_key()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("ws-old-schema").FullName, "old.db");
        await using (var old = Sqlite($"Data Source={file}"))
        {
            await old.Database.MigrateAsync(TestContext.Current.CancellationToken);
            await old.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261125203405_FeedCursorVersion', '10.0.0')",
                TestContext.Current.CancellationToken);
        }
        SqliteConnection.ClearAllPools();
        string[] args =
        [
            "--environment=Testing", $"--Storage:ConnectionString=Data Source={file}", "--Platform:BaseUrl=http://127.0.0.1:9/",
            "--Platform:Username=u", "--Platform:Password=p", "--Serilog:MinimumLevel:Default=Fatal", "--Urls=http://127.0.0.1:0",
        ];

        var message = await PortalStartup.FailureMessageAsync(args);
        Assert.Contains("Storage:ConnectionString", message);
        Assert.Contains("earlier development build", message);
        Assert.Contains("20261125203405_FeedCursorVersion", message);
    }
}
