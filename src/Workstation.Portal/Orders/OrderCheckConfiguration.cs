using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Orders;

/// <summary>Order checks, found by encounter and draft order, and by status for the re-check.</summary>
internal sealed class OrderCheckConfiguration : IEntityTypeConfiguration<OrderCheck>
{
    public void Configure(EntityTypeBuilder<OrderCheck> e)
    {
        e.ToTable("order_checks");
        e.Property(c => c.Id).HasMaxLength(36);
        e.Property(c => c.ClientId).HasMaxLength(40);
        e.Property(c => c.EncounterId).HasMaxLength(40);
        e.Property(c => c.DraftOrderId).HasMaxLength(64);
        e.Property(c => c.Stage).HasMaxLength(8);
        e.Property(c => c.Status).HasMaxLength(20);
        e.Property(c => c.Reason).HasMaxLength(40);
        e.Property(c => c.DepartmentCode).HasMaxLength(32);
        e.Property(c => c.DoctorId).HasMaxLength(32);
        e.Property(c => c.Setting).HasMaxLength(16);
        e.Property(c => c.Channel).HasMaxLength(16);
        e.Property(c => c.ItemCodes).HasMaxLength(1000);
        e.HasIndex(c => new { c.ClientId, c.EncounterId, c.DraftOrderId });
        e.HasIndex(c => new { c.Status, c.CreatedAt });
    }
}
