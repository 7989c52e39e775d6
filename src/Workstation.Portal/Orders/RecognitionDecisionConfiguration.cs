using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Orders;

/// <summary>The doctor's decisions; the review feature adds its own indexes (<c>Review/ReviewEntityConfiguration.cs</c>).</summary>
internal sealed class RecognitionDecisionConfiguration : IEntityTypeConfiguration<RecognitionDecision>
{
    public void Configure(EntityTypeBuilder<RecognitionDecision> e)
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
        e.Property(d => d.Channel).HasMaxLength(16);
        e.Property(d => d.Stage).HasMaxLength(8);
        e.Property(d => d.CheckId).HasMaxLength(36);
        e.Property(d => d.RetainStatus).HasMaxLength(16);
        // A decision is idempotent per (encounter, item, matched report).
        e.HasIndex(d => new { d.ClientId, d.EncounterId, d.ItemCode, d.ReportId }).IsUnique();
        e.HasIndex(d => d.DecidedAt);
    }
}
