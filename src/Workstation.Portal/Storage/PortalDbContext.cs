using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Accounts;
using Workstation.Portal.Alerts;
using Workstation.Portal.Audit;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Outbox;
using Workstation.Portal.Review;

namespace Workstation.Portal.Storage;

/// <summary>The portal's store. No repository layer: features use the context directly (see docs/decisions).
/// Each provider has a derived context so that each keeps its own migrations.</summary>
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core data-protection keys (staff cookies, antiforgery, protected browser storage), shared by every
    /// portal instance on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<LaunchNonce> LaunchNonces => Set<LaunchNonce>();

    public DbSet<LaunchTicket> LaunchTickets => Set<LaunchTicket>();

    public DbSet<OrderCheck> OrderChecks => Set<OrderCheck>();

    public DbSet<RecognitionDecision> Decisions => Set<RecognitionDecision>();

    public DbSet<RetainedReport> RetainedReports => Set<RetainedReport>();

    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();

    public DbSet<CriticalValueAlert> CriticalValueAlerts => Set<CriticalValueAlert>();

    public DbSet<AlertStep> AlertSteps => Set<AlertStep>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<ResultNotification> ResultNotifications => Set<ResultNotification>();

    public DbSet<ReviewMark> ReviewMarks => Set<ReviewMark>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditTrail.EnsureAppendOnly(ChangeTracker);
        Versioning.Stamp(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditTrail.EnsureAppendOnly(ChangeTracker);
        Versioning.Stamp(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public DbSet<BloodUse.BloodUseAccessToken> BloodUseTokens => Set<BloodUse.BloodUseAccessToken>();

    public DbSet<BloodUse.BloodUseLockout> BloodUseLockouts => Set<BloodUse.BloodUseLockout>();

    public DbSet<HealthCard.BlacklistedCard> BlacklistedCards => Set<HealthCard.BlacklistedCard>();

    public DbSet<HealthCard.BlacklistSyncState> BlacklistSyncStates => Set<HealthCard.BlacklistSyncState>();

    public DbSet<HealthCard.CardUsage> CardUsages => Set<HealthCard.CardUsage>();

    /// <summary>Each entity's mapping sits beside its feature in an <c>IEntityTypeConfiguration&lt;T&gt;</c>; a feature
    /// that needs more of another's entity (e.g. review indexes on decisions) adds its own configuration for it.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
}

/// <summary>SQLite flavour (the default: one file, no server).</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour, for hospitals running several portal instances.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
