using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Inbound;

/// <summary>An event received on a webhook, stored before it is acknowledged (202). Unique per (source, event id).</summary>
public sealed class InboundEvent
{
    public long Id { get; set; }

    public string Source { get; set; } = "";

    public string EventId { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTime ReceivedAt { get; set; }

    public string PayloadJson { get; set; } = "";
}

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
