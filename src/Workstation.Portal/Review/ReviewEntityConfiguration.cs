using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

internal sealed class ReviewMarkConfiguration : IEntityTypeConfiguration<ReviewMark>
{
    public void Configure(EntityTypeBuilder<ReviewMark> e)
    {
        e.ToTable("review_marks");
        e.Property(m => m.Kind).HasMaxLength(16);
        e.Property(m => m.Comment).HasMaxLength(ReviewMarkKinds.CommentMaxLength);
        e.Property(m => m.Reviewer).HasMaxLength(64);
        e.Property(m => m.DepartmentCode).HasMaxLength(32);
        e.Property(m => m.DoctorId).HasMaxLength(32);
        e.Property(m => m.DoctorName).HasMaxLength(32);
        e.HasIndex(m => m.DecisionId);
        e.HasIndex(m => new { m.DepartmentCode, m.DoctorId });
    }
}

/// <summary>Indexes the review queries need on the doctors' decisions (filters by department, doctor and item within a
/// date range). Only indexes: the decision's own mapping stays with the Orders feature.</summary>
internal sealed class DecisionReviewIndexes : IEntityTypeConfiguration<RecognitionDecision>
{
    public void Configure(EntityTypeBuilder<RecognitionDecision> e)
    {
        e.HasIndex(d => new { d.DepartmentCode, d.DecidedAt });
        e.HasIndex(d => new { d.DoctorId, d.DecidedAt });
        e.HasIndex(d => new { d.PatientId, d.ReportId, d.DecidedAt }); // a pair's decisions (goal 10, changed days)
    }
}

/// <summary>Indexes goal 10 needs on the stored listings when the review is filtered by department or doctor (a
/// department's year reads its listings, not the hospital's). Only indexes: the mapping stays with Recognition.</summary>
internal sealed class ListingReviewIndexes : IEntityTypeConfiguration<Recognition.ListedReport>
{
    public void Configure(EntityTypeBuilder<Recognition.ListedReport> e)
    {
        e.HasIndex(l => new { l.DepartmentCode, l.ListedAt });
        e.HasIndex(l => new { l.DoctorId, l.ListedAt });
    }
}

/// <summary>Indexes the review queries need on order checks: all checks of a period (the not-checked share) and the
/// ones re-checked later. Only indexes: the mapping stays with the Orders feature.</summary>
internal sealed class OrderCheckReviewIndexes : IEntityTypeConfiguration<OrderCheck>
{
    public void Configure(EntityTypeBuilder<OrderCheck> e)
    {
        e.HasIndex(c => c.CreatedAt);
        e.HasIndex(c => c.RecheckedAt);
        e.HasIndex(c => new { c.WasNotChecked, c.CreatedAt });
        e.HasIndex(c => new { c.DepartmentCode, c.CreatedAt });
    }
}
