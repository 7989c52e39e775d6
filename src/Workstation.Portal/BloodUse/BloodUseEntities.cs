using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.BloodUse;

/// <summary>An issued token, stored only as its SHA-256 (a database reader cannot replay it); shared by all instances.</summary>
internal sealed class BloodUseAccessToken
{
    public string TokenHash { get; set; } = "";

    public string ClientId { get; set; } = "";

    public DateTime IssuedAt { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>Wrong-password count and lock-out of one id tried at /token (a client account or an id nobody has).</summary>
internal sealed class BloodUseLockout
{
    public string ClientId { get; set; } = "";

    public int FailedAttempts { get; set; }

    /// <summary>The last wrong password: older failures than a lock-out period are forgotten (and the row dropped).</summary>
    public DateTime LastFailedAt { get; set; }

    public DateTime? LockedUntil { get; set; }
}

internal sealed class BloodUseAccessTokenConfiguration : IEntityTypeConfiguration<BloodUseAccessToken>
{
    public void Configure(EntityTypeBuilder<BloodUseAccessToken> e)
    {
        e.ToTable("blood_use_tokens");
        e.HasKey(t => t.TokenHash);
        e.Property(t => t.TokenHash).HasMaxLength(64);
        e.Property(t => t.ClientId).HasMaxLength(64).IsRequired();
        e.HasIndex(t => t.ExpiresAt);
    }
}

internal sealed class BloodUseLockoutConfiguration : IEntityTypeConfiguration<BloodUseLockout>
{
    public void Configure(EntityTypeBuilder<BloodUseLockout> e)
    {
        e.ToTable("blood_use_lockouts");
        e.HasKey(l => l.ClientId);
        e.Property(l => l.ClientId).HasMaxLength(64);
    }
}
