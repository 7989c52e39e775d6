using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Accounts;
using Workstation.Portal.Audit;

namespace Workstation.Portal.Storage;

/// <summary>The portal's store. No repository layer: features use the context directly (see docs/decisions).
/// Each provider has a derived context so that each keeps its own migrations.</summary>
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<UserAccount>(e =>
        {
            e.ToTable("users");
            e.HasKey(u => u.Id);
            e.Property(u => u.UserName).HasMaxLength(64).IsRequired();
            e.HasIndex(u => u.UserName).IsUnique();
            e.Property(u => u.DisplayName).HasMaxLength(64).IsRequired();
            e.Property(u => u.Role).HasMaxLength(32).IsRequired();
            e.Property(u => u.DepartmentCode).HasMaxLength(32);
            e.Property(u => u.PasswordHash).HasMaxLength(256).IsRequired();
        });
        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.ToTable("audit_events");
            e.HasKey(a => a.Id);
            e.Property(a => a.Actor).HasMaxLength(64).IsRequired();
            e.Property(a => a.Action).HasMaxLength(64).IsRequired();
            e.Property(a => a.Subject).HasMaxLength(128);
            e.Property(a => a.Detail).HasMaxLength(1000);
            e.HasIndex(a => a.At);
        });
    }
}

/// <summary>SQLite flavour (the default: one file, no server).</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour, for hospitals running several portal instances.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
