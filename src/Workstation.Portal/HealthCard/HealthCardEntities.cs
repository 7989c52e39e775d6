using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.HealthCard;

/// <summary>A persisted blacklist entry (so verify answers from the last synced list after a restart).</summary>
internal sealed class BlacklistedCard
{
    /// <summary>A full load writes a new generation beside the current one; <see cref="BlacklistSyncState.Generation"/>
    /// says which is current.</summary>
    public long Generation { get; set; }

    public string CardNumber { get; set; } = "";

    /// <summary>provincial | national.</summary>
    public string Scope { get; set; } = "";

    public string Reason { get; set; } = "";
}

/// <summary>The single row describing the persisted blacklist: its version and the last sync.</summary>
internal sealed class BlacklistSyncState
{
    public int Id { get; set; } = 1;

    public long Version { get; set; }

    /// <summary>The generation of <see cref="BlacklistedCard"/> rows that holds this version.</summary>
    public long Generation { get; set; }

    public DateTime? LastSyncAt { get; set; }

    public DateTime? LastFullLoadAt { get; set; }

    public string? LastError { get; set; }

    public DateTime? LastErrorAt { get; set; }
}

/// <summary>One use of a resident health card at a HIS terminal (the usage log, 用卡日志), uploaded to the card
/// system in a batch (<see cref="BatchId"/> set when it joins one).</summary>
internal sealed class CardUsage
{
    public long Id { get; set; }

    public DateTime UsedAt { get; set; }

    public string ClientId { get; set; } = "";

    public string CardNumber { get; set; } = "";

    public string Scene { get; set; } = "";

    public string TerminalId { get; set; } = "";

    public string OperatorId { get; set; } = "";

    public bool Allowed { get; set; }

    /// <summary>The blacklist reason when refused (e.g. 挂失), with its scope.</summary>
    public string? Reason { get; set; }

    public long BlacklistVersion { get; set; }

    public string? BatchId { get; set; }
}

internal sealed class BlacklistedCardConfiguration : IEntityTypeConfiguration<BlacklistedCard>
{
    public void Configure(EntityTypeBuilder<BlacklistedCard> e)
    {
        e.ToTable("health_card_blacklist");
        e.HasKey(c => new { c.Generation, c.CardNumber });
        e.Property(c => c.CardNumber).HasMaxLength(32);
        e.Property(c => c.Scope).HasMaxLength(16).IsRequired();
        e.Property(c => c.Reason).HasMaxLength(64).IsRequired();
    }
}

internal sealed class BlacklistSyncStateConfiguration : IEntityTypeConfiguration<BlacklistSyncState>
{
    public void Configure(EntityTypeBuilder<BlacklistSyncState> e)
    {
        e.ToTable("health_card_blacklist_state");
        e.HasKey(s => s.Id);
        e.Property(s => s.Id).ValueGeneratedNever();
        e.Property(s => s.LastError).HasMaxLength(500);
    }
}

internal sealed class CardUsageConfiguration : IEntityTypeConfiguration<CardUsage>
{
    public void Configure(EntityTypeBuilder<CardUsage> e)
    {
        e.ToTable("health_card_usages");
        e.HasKey(u => u.Id);
        e.Property(u => u.ClientId).HasMaxLength(40).IsRequired();
        e.Property(u => u.CardNumber).HasMaxLength(32).IsRequired();
        e.Property(u => u.Scene).HasMaxLength(16).IsRequired();
        e.Property(u => u.TerminalId).HasMaxLength(32).IsRequired();
        e.Property(u => u.OperatorId).HasMaxLength(32).IsRequired();
        e.Property(u => u.Reason).HasMaxLength(100);
        e.Property(u => u.BatchId).HasMaxLength(64);
        e.HasIndex(u => u.BatchId);
        e.HasIndex(u => u.UsedAt);
    }
}
