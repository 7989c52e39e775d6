using Workstation.Portal.Storage;

namespace Workstation.Portal.Outbox;

/// <summary>What a delivery attempt came to.</summary>
internal sealed record OutboxOutcome(bool Delivered, bool Permanent, string? Error)
{
    public static readonly OutboxOutcome Ok = new(true, false, null);

    /// <summary>Transient (network, 5xx, timeout): try again later.</summary>
    public static OutboxOutcome Retry(string error) => new(false, false, error);

    /// <summary>The receiver refused the message itself (a field it does not accept): retrying cannot help, dead-letter it.</summary>
    public static OutboxOutcome Reject(string error) => new(false, true, error);
}

/// <summary>Delivers the messages of one destination through that system's typed client.</summary>
internal interface IOutboxSender
{
    /// <summary>The <see cref="OutboxMessage.Destination"/> this sender serves.</summary>
    string Destination { get; }

    Task<OutboxOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>Runs in the transaction that marks the message delivered (e.g. an alert's "delivered" step).</summary>
    void OnDelivered(OutboxMessage message, PortalDbContext db)
    {
    }
}
