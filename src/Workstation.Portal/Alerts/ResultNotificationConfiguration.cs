using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Alerts;

/// <summary>Result notifications, found by doctor and unread.</summary>
internal sealed class ResultNotificationConfiguration : IEntityTypeConfiguration<ResultNotification>
{
    public void Configure(EntityTypeBuilder<ResultNotification> e)
    {
        e.ToTable("result_notifications");
        e.Property(x => x.DoctorId).HasMaxLength(100);
        e.Property(x => x.PatientId).HasMaxLength(100);
        e.Property(x => x.PatientName).HasMaxLength(100);
        e.Property(x => x.Kind).HasMaxLength(20);
        e.Property(x => x.ItemName).HasMaxLength(100);
        e.HasIndex(x => new { x.DoctorId, x.ReadAt });
    }
}
