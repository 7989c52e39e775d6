using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Alerts;

/// <summary>Inbound webhook events, unique per source and event id (replay protection).</summary>
internal sealed class InboundEventConfiguration : IEntityTypeConfiguration<InboundEvent>
{
    public void Configure(EntityTypeBuilder<InboundEvent> e)
    {
        e.ToTable("inbound_events");
        e.Property(x => x.Source).HasMaxLength(16);
        e.Property(x => x.EventId).HasMaxLength(100);
        e.Property(x => x.Type).HasMaxLength(40);
        e.HasIndex(x => new { x.Source, x.EventId }).IsUnique(); // replay protection
    }
}
