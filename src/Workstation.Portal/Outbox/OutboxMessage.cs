using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Outbox;

/// <summary>States of an outbox message. Final: delivered, cancelled. Dead-lettered messages wait for a person.</summary>
internal static class OutboxStates
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Dead = "dead";
    public const string Cancelled = "cancelled";

    public static readonly string[] Open = [Pending, Sending, Failed];
}

/// <summary>A message to another system (the platform, LIS, the card system ...), written in the same transaction as
/// the change it reports and delivered at least once by <see cref="OutboxDispatcher"/> through the typed
/// <see cref="IOutboxSender"/> of its destination. Messages with the same <see cref="OrderingKey"/> go out in
/// <see cref="Sequence"/> order (a patient before their report data, data before the PDF, a revocation last); the
/// receiver de-duplicates by <see cref="Id"/>, the idempotency key.</summary>
internal sealed class OutboxMessage : IVersioned
{
    /// <summary>Idempotency key, unique: enqueueing the same id twice stores it once.</summary>
    public string Id { get; set; } = "";

    /// <summary>Which sender delivers it (<see cref="IOutboxSender.Destination"/>).</summary>
    public string Destination { get; set; } = "";

    public string Type { get; set; } = "";

    /// <summary>Messages with the same key are delivered one after another in <see cref="Sequence"/> order; null: no order.</summary>
    public string? OrderingKey { get; set; }

    /// <summary>Enqueue order (monotonic per process, time based across processes).</summary>
    public long Sequence { get; set; }

    public string PayloadJson { get; set; } = "";

    /// <summary>One of <see cref="OutboxStates"/>.</summary>
    public string State { get; set; } = OutboxStates.Pending;

    public DateTime CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>The receiver's last error, verbatim (truncated to 1000 characters).</summary>
    public string? LastError { get; set; }

    /// <summary>Which dispatcher pass holds the message, until <see cref="LeaseUntil"/>; an expired lease is free.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    /// <summary>Optimistic concurrency token: a dispatcher whose lease was taken over cannot overwrite the new holder's outcome.</summary>
    public int Version { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        e.ToTable("outbox");
        e.Property(x => x.Id).HasMaxLength(100);
        e.Property(x => x.Destination).HasMaxLength(16);
        e.Property(x => x.Type).HasMaxLength(40);
        e.Property(x => x.OrderingKey).HasMaxLength(100);
        e.Property(x => x.State).HasMaxLength(12);
        e.Property(x => x.LastError).HasMaxLength(1000);
        e.Property(x => x.LeaseOwner).HasMaxLength(40);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.State, x.Sequence });
        e.HasIndex(x => new { x.OrderingKey, x.Sequence });
    }
}
