using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IDbContextFactory{PortalDbContext}"/> for the configured provider. SaveChanges
    /// interceptors registered by features (the audit trail's guard) join every context; Storage knows none of their rules.
    /// Contexts are pooled: every order check creates two or three, and building one (its internal services resolved,
    /// options compared) cost about 7 % of the portal's CPU on the order-check path.</summary>
    public static IServiceCollection AddPortalStorage(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        switch (options.Provider)
        {
            case "Postgres":
                services.AddPooledDbContextFactory<PostgresPortalDbContext>((sp, o) => o.UseNpgsql(options.ConnectionString)
                    .AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor>()));
                services.AddSingleton<IDbContextFactory<PortalDbContext>, ProviderFactory<PostgresPortalDbContext>>();
                break;
            case "Sqlite":
                var sqlite = SqliteConnectionString(options.ConnectionString, contentRoot);
                services.AddPooledDbContextFactory<SqlitePortalDbContext>((sp, o) => o.UseSqlite(sqlite).AddInterceptors(new SqliteBusyTimeout())
                    .AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor>()));
                services.AddSingleton<IDbContextFactory<PortalDbContext>, ProviderFactory<SqlitePortalDbContext>>();
                break;
            default:
                throw new InvalidConfigurationException($"Storage:Provider must be 'Sqlite' or 'Postgres' (it is '{options.Provider}').");
        }
        services.AddSingleton<GroupCommitWriter>();
        services.AddHostedService<StorageMigrator>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        return services;
    }

    /// <summary>Makes a relative SQLite file path relative to the content root and creates its folder.</summary>
    internal static string SqliteConnectionString(string connectionString, string contentRoot)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidConfigurationException($"Storage:ConnectionString is not a valid SQLite connection string: {ex.Message}");
        }
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(file, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            builder.DataSource = full;
        }
        return builder.ToString();
    }

    private sealed class ProviderFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>Applies pending migrations before the portal serves requests.</summary>
internal sealed class StorageMigrator(IDbContextFactory<PortalDbContext> factory, ILogger<StorageMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Write-ahead log: readers never wait for the writer, and a commit is one append + flush.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        // While unreleased the schema has one history (a single Initial per provider, regenerated on model changes): a
        // database made by an earlier development build carries migrations this build does not know. Say so plainly.
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Except(db.Database.GetMigrations()).ToList();
        if (unknown.Count > 0)
            throw new InvalidConfigurationException(
                $"Storage:ConnectionString: the database was created by an earlier development build of Workstation (migrations {string.Join(", ", unknown.Take(3))}" +
                $"{(unknown.Count > 3 ? ", …" : "")} are not part of this version's schema history). For the demo, delete its file " +
                "(data/workstation.db and the -wal/-shm files beside it) and start again; a hospital database is never in this state.");
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Used by <c>dotnet ef migrations add --context SqlitePortalDbContext</c>.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Used by <c>dotnet ef migrations add --context PostgresPortalDbContext</c>; no server is contacted.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=localhost;Database=workstation").Options);
}
