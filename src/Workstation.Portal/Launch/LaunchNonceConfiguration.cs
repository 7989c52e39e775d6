using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Launch;

/// <summary>Launch nonces: one use per HIS client (replay protection).</summary>
internal sealed class LaunchNonceConfiguration : IEntityTypeConfiguration<LaunchNonce>
{
    public void Configure(EntityTypeBuilder<LaunchNonce> e)
    {
        e.ToTable("launch_nonces");
        e.Property(n => n.ClientId).HasMaxLength(40);
        e.Property(n => n.Nonce).HasMaxLength(100);
        e.HasIndex(n => new { n.ClientId, n.Nonce }).IsUnique();
    }
}
