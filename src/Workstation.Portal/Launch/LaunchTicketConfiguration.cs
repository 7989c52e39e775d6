using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Launch;

/// <summary>Launch tickets, swept by their expiry.</summary>
internal sealed class LaunchTicketConfiguration : IEntityTypeConfiguration<LaunchTicket>
{
    public void Configure(EntityTypeBuilder<LaunchTicket> e)
    {
        e.ToTable("launch_tickets");
        e.Property(t => t.Id).HasMaxLength(64);
        e.Property(t => t.Kind).HasMaxLength(16);
        e.Property(t => t.ClientId).HasMaxLength(40);
        e.Property(t => t.EncounterId).HasMaxLength(40);
        e.Property(t => t.Next).HasMaxLength(200);
        e.HasIndex(t => t.ExpiresAt);
    }
}
