using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Alerts;

/// <summary>Critical-value alerts, found by due escalation and by accountable doctor.</summary>
internal sealed class CriticalValueAlertConfiguration : IEntityTypeConfiguration<CriticalValueAlert>
{
    public void Configure(EntityTypeBuilder<CriticalValueAlert> e)
    {
        e.ToTable("critical_value_alerts");
        foreach (var name in new[] { nameof(CriticalValueAlert.Source), nameof(CriticalValueAlert.Tier), nameof(CriticalValueAlert.Status) })
            e.Property(name).HasMaxLength(16);
        foreach (var name in new[]
                 {
                     nameof(CriticalValueAlert.EventId), nameof(CriticalValueAlert.SourceRecordId), nameof(CriticalValueAlert.SpecimenId), nameof(CriticalValueAlert.PatientId),
                     nameof(CriticalValueAlert.PatientName), nameof(CriticalValueAlert.EncounterId), nameof(CriticalValueAlert.ItemCode),
                     nameof(CriticalValueAlert.ItemName), nameof(CriticalValueAlert.Value), nameof(CriticalValueAlert.Unit),
                     nameof(CriticalValueAlert.ReferenceRange), nameof(CriticalValueAlert.ReportedBy), nameof(CriticalValueAlert.OrderingDoctorId),
                     nameof(CriticalValueAlert.DepartmentCode), nameof(CriticalValueAlert.AccountableDoctorId), nameof(CriticalValueAlert.AcknowledgedBy),
                     nameof(CriticalValueAlert.HandledBy),
                 })
            e.Property(name).HasMaxLength(100);
        e.Property(x => x.ReadBack).HasMaxLength(400);
        e.Property(x => x.HandlingNote).HasMaxLength(500);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Status, x.NextEscalationAt });
        e.HasIndex(x => x.AccountableDoctorId);
        e.HasIndex(x => x.ReportedAt); // the review's periods
    }
}
