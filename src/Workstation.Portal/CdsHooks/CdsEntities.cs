using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.CdsHooks;

/// <summary>A card the service returned, stored before the answer: the feedback that names its uuid is resolved to the
/// check, the order line and the report it was about.</summary>
public sealed class CdsCard
{
    public long Id { get; set; }

    /// <summary>The card's uuid (also the uuid of its one suggestion, prefixed <c>s-</c>).</summary>
    public string Uuid { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string ServiceId { get; set; } = "";

    public string HookInstance { get; set; } = "";

    public string CheckId { get; set; } = "";

    /// <summary>The draft ServiceRequest's id (the order line).</summary>
    public string LineId { get; set; } = "";

    public string ReportId { get; set; } = "";

    /// <summary>The <c>LaunchContext</c> of the call as JSON (the doctor, patient and encounter the feedback decides for).</summary>
    public string ContextJson { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>A client JWT's <c>jti</c>, used once (replay protection); kept until the token expires.</summary>
internal sealed class CdsTokenUse
{
    public long Id { get; set; }

    public string Issuer { get; set; } = "";

    public string Jti { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}

internal sealed class CdsCardConfiguration : IEntityTypeConfiguration<CdsCard>
{
    public void Configure(EntityTypeBuilder<CdsCard> e)
    {
        e.ToTable("cds_cards");
        e.Property(c => c.Uuid).HasMaxLength(40);
        e.Property(c => c.ClientId).HasMaxLength(40);
        e.Property(c => c.ServiceId).HasMaxLength(40);
        e.Property(c => c.HookInstance).HasMaxLength(64);
        e.Property(c => c.CheckId).HasMaxLength(40);
        e.Property(c => c.LineId).HasMaxLength(64);
        e.Property(c => c.ReportId).HasMaxLength(64);
        e.HasIndex(c => c.Uuid).IsUnique();
    }
}

internal sealed class CdsTokenUseConfiguration : IEntityTypeConfiguration<CdsTokenUse>
{
    public void Configure(EntityTypeBuilder<CdsTokenUse> e)
    {
        e.ToTable("cds_token_uses");
        e.Property(t => t.Issuer).HasMaxLength(200);
        e.Property(t => t.Jti).HasMaxLength(200);
        e.HasIndex(t => new { t.Issuer, t.Jti }).IsUnique();
        e.HasIndex(t => t.ExpiresAt);
    }
}

/// <summary>The CDS Hooks feature's tables on the portal's context.</summary>
internal static class CdsTables
{
    extension(PortalDbContext db)
    {
        public DbSet<CdsCard> CdsCards => db.Set<CdsCard>();

        public DbSet<CdsTokenUse> CdsTokenUses => db.Set<CdsTokenUse>();
    }
}
