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
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options)
{
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
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditTrail.EnsureAppendOnly(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
    public DbSet<BloodUse.BloodUseAccessToken> BloodUseTokens => Set<BloodUse.BloodUseAccessToken>();

    public DbSet<BloodUse.BloodUseLockout> BloodUseLockouts => Set<BloodUse.BloodUseLockout>();

    public DbSet<HealthCard.BlacklistedCard> BlacklistedCards => Set<HealthCard.BlacklistedCard>();

    public DbSet<HealthCard.BlacklistSyncState> BlacklistSyncStates => Set<HealthCard.BlacklistSyncState>();

    public DbSet<HealthCard.CardUsage> CardUsages => Set<HealthCard.CardUsage>();

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
        modelBuilder.Entity<LaunchNonce>(e =>
        {
            e.ToTable("launch_nonces");
            e.Property(n => n.ClientId).HasMaxLength(40);
            e.Property(n => n.Nonce).HasMaxLength(100);
            e.HasIndex(n => new { n.ClientId, n.Nonce }).IsUnique();
        });
        modelBuilder.Entity<LaunchTicket>(e =>
        {
            e.ToTable("launch_tickets");
            e.Property(t => t.Id).HasMaxLength(64);
            e.Property(t => t.Kind).HasMaxLength(16);
            e.Property(t => t.ClientId).HasMaxLength(40);
            e.Property(t => t.EncounterId).HasMaxLength(40);
            e.Property(t => t.Next).HasMaxLength(200);
            e.HasIndex(t => t.ExpiresAt);
        });
        modelBuilder.Entity<OrderCheck>(e =>
        {
            e.ToTable("order_checks");
            e.Property(c => c.Id).HasMaxLength(36);
            e.Property(c => c.ClientId).HasMaxLength(40);
            e.Property(c => c.EncounterId).HasMaxLength(40);
            e.Property(c => c.DraftOrderId).HasMaxLength(64);
            e.Property(c => c.Stage).HasMaxLength(8);
            e.Property(c => c.Status).HasMaxLength(20);
            e.Property(c => c.Reason).HasMaxLength(40);
            e.HasIndex(c => new { c.ClientId, c.EncounterId, c.DraftOrderId });
            e.HasIndex(c => new { c.Status, c.CreatedAt });
        });
        modelBuilder.Entity<RecognitionDecision>(e =>
        {
            e.ToTable("recognition_decisions");
            e.Property(d => d.DecisionToken).HasMaxLength(64);
            e.HasIndex(d => d.DecisionToken).IsUnique();
            e.Property(d => d.ClientId).HasMaxLength(40);
            e.Property(d => d.EncounterId).HasMaxLength(40);
            e.Property(d => d.DraftOrderId).HasMaxLength(64);
            e.Property(d => d.LineId).HasMaxLength(64);
            e.Property(d => d.ItemCode).HasMaxLength(16);
            e.Property(d => d.ItemName).HasMaxLength(64);
            e.Property(d => d.ReportId).HasMaxLength(80);
            e.Property(d => d.ReportInstitution).HasMaxLength(80);
            e.Property(d => d.Choice).HasMaxLength(16);
            e.Property(d => d.ReasonCodes).HasMaxLength(200);
            e.Property(d => d.FreeText).HasMaxLength(DeclineReasons.FreeTextMaxLength);
            e.Property(d => d.DoctorId).HasMaxLength(32);
            e.Property(d => d.DoctorName).HasMaxLength(32);
            e.Property(d => d.DepartmentCode).HasMaxLength(32);
            e.Property(d => d.DepartmentName).HasMaxLength(64);
            e.Property(d => d.PatientId).HasMaxLength(32);
            e.Property(d => d.PatientName).HasMaxLength(64);
            e.Property(d => d.Setting).HasMaxLength(16);
            e.Property(d => d.Stage).HasMaxLength(8);
            e.Property(d => d.CheckId).HasMaxLength(36);
            e.Property(d => d.RetainStatus).HasMaxLength(16);
            // A decision is idempotent per (encounter, item, matched report).
            e.HasIndex(d => new { d.ClientId, d.EncounterId, d.ItemCode, d.ReportId }).IsUnique();
            e.HasIndex(d => d.DecidedAt);
        });
        modelBuilder.Entity<InboundEvent>(e =>
        {
            e.ToTable("inbound_events");
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.EventId).HasMaxLength(100);
            e.Property(x => x.Type).HasMaxLength(40);
            e.HasIndex(x => new { x.Source, x.EventId }).IsUnique(); // replay protection
        });
        modelBuilder.Entity<CriticalValueAlert>(e =>
        {
            e.ToTable("critical_value_alerts");
            foreach (var name in new[] { nameof(CriticalValueAlert.Source), nameof(CriticalValueAlert.Tier), nameof(CriticalValueAlert.Status) })
                e.Property(name).HasMaxLength(16);
            foreach (var name in new[]
                     {
                         nameof(CriticalValueAlert.EventId), nameof(CriticalValueAlert.SourceRecordId), nameof(CriticalValueAlert.PatientId),
                         nameof(CriticalValueAlert.PatientName), nameof(CriticalValueAlert.EncounterId), nameof(CriticalValueAlert.ItemCode),
                         nameof(CriticalValueAlert.ItemName), nameof(CriticalValueAlert.Value), nameof(CriticalValueAlert.Unit),
                         nameof(CriticalValueAlert.ReferenceRange), nameof(CriticalValueAlert.ReportedBy), nameof(CriticalValueAlert.OrderingDoctorId),
                         nameof(CriticalValueAlert.DepartmentCode), nameof(CriticalValueAlert.AccountableDoctorId), nameof(CriticalValueAlert.AcknowledgedBy),
                         nameof(CriticalValueAlert.HandledBy),
                     })
                e.Property(name).HasMaxLength(100);
            e.Property(x => x.ReadBack).HasMaxLength(400);
            e.Property(x => x.HandlingNote).HasMaxLength(500);
            e.HasIndex(x => new { x.Status, x.NextEscalationAt });
            e.HasIndex(x => x.AccountableDoctorId);
        });
        modelBuilder.Entity<AlertStep>(e =>
        {
            e.ToTable("alert_steps");
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.To).HasMaxLength(100);
            e.Property(x => x.Detail).HasMaxLength(500);
            e.HasIndex(x => x.AlertId);
        });
        modelBuilder.Entity<ResultNotification>(e =>
        {
            e.ToTable("result_notifications");
            e.Property(x => x.DoctorId).HasMaxLength(100);
            e.Property(x => x.PatientId).HasMaxLength(100);
            e.Property(x => x.PatientName).HasMaxLength(100);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.ItemName).HasMaxLength(100);
            e.HasIndex(x => new { x.DoctorId, x.ReadAt });
        });
        modelBuilder.Entity<RetainedReport>(e =>
        {
            e.ToTable("retained_reports");
            e.Property(r => r.ClientId).HasMaxLength(40);
            e.Property(r => r.EncounterId).HasMaxLength(40);
            e.Property(r => r.ReportId).HasMaxLength(80);
            e.Property(r => r.ItemCode).HasMaxLength(16);
            e.Property(r => r.ItemName).HasMaxLength(64);
            e.Property(r => r.InstitutionName).HasMaxLength(80);
            e.HasIndex(r => new { r.ClientId, r.EncounterId, r.ReportId }).IsUnique();
        });
        // Entities of features that keep their mapping beside them (IEntityTypeConfiguration<T>), after the ones above.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}

/// <summary>SQLite flavour (the default: one file, no server).</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour, for hospitals running several portal instances.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
