using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Audit;

/// <summary>The audit trail, read by time.</summary>
internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> e)
    {
        e.ToTable("audit_events");
        e.HasKey(a => a.Id);
        e.Property(a => a.Actor).HasMaxLength(64).IsRequired();
        e.Property(a => a.Action).HasMaxLength(64).IsRequired();
        e.Property(a => a.Subject).HasMaxLength(128);
        e.Property(a => a.Detail).HasMaxLength(1000);
        e.HasIndex(a => a.At);
    }
}
