using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Workstation.Portal.Storage;

/// <summary>The portal's store. No repository layer: features use the context directly (see docs/decisions). It knows no
/// feature: each maps its entities (<c>IEntityTypeConfiguration</c>) and names its tables (a <c>…Tables</c> extension)
/// in its own folder. Each provider has a derived context so that each keeps its own migrations.</summary>
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core data-protection keys (staff cookies, antiforgery, protected browser storage), shared by every
    /// portal instance on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        Versioning.Stamp(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        Versioning.Stamp(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Each entity's mapping sits beside its feature in an <c>IEntityTypeConfiguration&lt;T&gt;</c>; a feature
    /// that needs more of another's entity (e.g. review indexes on decisions) adds its own configuration for it.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
}

/// <summary>SQLite flavour (the default: one file, no server).</summary>
internal sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour, for hospitals running several portal instances.</summary>
internal sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
