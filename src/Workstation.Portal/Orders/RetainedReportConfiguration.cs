using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Orders;

/// <summary>Reports retained for an encounter, one per report.</summary>
internal sealed class RetainedReportConfiguration : IEntityTypeConfiguration<RetainedReport>
{
    public void Configure(EntityTypeBuilder<RetainedReport> e)
    {
        e.ToTable("retained_reports");
        e.Property(r => r.ClientId).HasMaxLength(40);
        e.Property(r => r.EncounterId).HasMaxLength(40);
        e.Property(r => r.ReportId).HasMaxLength(80);
        e.Property(r => r.ItemCode).HasMaxLength(16);
        e.Property(r => r.ItemName).HasMaxLength(64);
        e.Property(r => r.InstitutionName).HasMaxLength(80);
        e.HasIndex(r => new { r.ClientId, r.EncounterId, r.ReportId }).IsUnique();
    }
}
