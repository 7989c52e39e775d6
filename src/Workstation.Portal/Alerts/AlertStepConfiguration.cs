using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Alerts;

/// <summary>The steps of an alert (routing, escalation, acknowledgement, handling).</summary>
internal sealed class AlertStepConfiguration : IEntityTypeConfiguration<AlertStep>
{
    public void Configure(EntityTypeBuilder<AlertStep> e)
    {
        e.ToTable("alert_steps");
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.To).HasMaxLength(100);
        e.Property(x => x.Detail).HasMaxLength(500);
        e.HasIndex(x => x.AlertId);
        e.HasIndex(x => x.At); // the review's version of a day (steps added that day)
        e.HasOne(x => x.Alert).WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Restrict);
    }
}
