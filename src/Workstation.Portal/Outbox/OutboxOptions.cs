using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Outbox;

/// <summary>Delivery of outbox messages (section <c>Outbox</c>).</summary>
internal sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Whether this instance delivers outbox messages in the background (every instance may; leases keep them
    /// from sending the same message). Off for an instance that must only enqueue.</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often the dispatcher looks for due messages when nothing new was enqueued.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages claimed per pass.</summary>
    [Range(1, 2000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages sent at the same time (each ordering key still one after another).</summary>
    [Range(1, 128)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>After this many failed attempts a message is dead-lettered and waits for a person.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; doubles with every attempt up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed message belongs to one dispatcher; a dead instance's claims expire after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
}
