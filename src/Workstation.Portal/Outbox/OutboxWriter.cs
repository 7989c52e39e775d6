using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Notifications;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Outbox;

/// <summary>A change of an outbox message, for live progress (the upload console) and tests.</summary>
internal sealed record OutboxChange(string Id, string Destination, string Type, string? OrderingKey, string State, int Attempts, string? Error);

/// <summary>Enqueues messages in the caller's transaction and wakes the dispatcher once they are committed.</summary>
internal sealed class OutboxWriter(TimeProvider time, Notifier<OutboxChange> changes)
{
    private long _lastSequence;

    /// <summary>Raised after <see cref="Signal"/>: something was committed, deliver now rather than at the next poll.</summary>
    public event Action? Enqueued;

    /// <summary>Adds a message to <paramref name="db"/> (saved with the caller's other changes). An id already in the
    /// outbox is not added twice: the caller checks with <see cref="ExistsAsync"/> when a repeat is possible.</summary>
    public OutboxMessage Add(PortalDbContext db, string id, string destination, string type, string? orderingKey, string payloadJson)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var message = new OutboxMessage
        {
            Id = id, Destination = destination, Type = type, OrderingKey = orderingKey, Sequence = NextSequence(now),
            PayloadJson = payloadJson, State = OutboxStates.Pending, CreatedAt = now, NextAttemptAt = now,
        };
        db.Outbox.Add(message);
        return message;
    }

    public static Task<bool> ExistsAsync(PortalDbContext db, string id, CancellationToken cancellationToken) =>
        db.Outbox.AnyAsync(m => m.Id == id, cancellationToken);

    /// <summary>Marks the messages of <paramref name="orderingKey"/> that have not gone out and are not being sent as
    /// cancelled in <paramref name="db"/>; returns how many. Nothing is written here: the caller's SaveChanges writes the
    /// cancellation together with what replaces it (an amended version, a revocation), so a crash in between loses
    /// nothing, and a dispatcher that claimed one of them meanwhile makes that save fail with a concurrency conflict.</summary>
    public async Task<int> CancelUnsentAsync(PortalDbContext db, string orderingKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var unsent = await db.Outbox
            .Where(m => m.OrderingKey == orderingKey && (m.State == OutboxStates.Pending || m.State == OutboxStates.Failed || m.State == OutboxStates.Dead)
                        && (m.LeaseUntil == null || m.LeaseUntil < now))
            .ToListAsync(cancellationToken);
        foreach (var m in unsent) m.State = OutboxStates.Cancelled; // Version moves on at SaveChanges (IVersioned)
        return unsent.Count;
    }

    /// <summary>Puts a failed or dead-lettered message back in line now (a person pressed retry).</summary>
    public async Task<bool> RetryNowAsync(PortalDbContext db, string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.Outbox.Where(m => m.Id == id && (m.State == OutboxStates.Failed || m.State == OutboxStates.Dead))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxStates.Pending).SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.Attempts, 0).SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
        if (updated > 0) Signal();
        return updated > 0;
    }

    /// <summary>Wake the dispatcher (call after the enqueueing transaction committed).</summary>
    public void Signal() => Enqueued?.Invoke();

    internal void Announce(OutboxMessage m) =>
        changes.Publish(new OutboxChange(m.Id, m.Destination, m.Type, m.OrderingKey, m.State, m.Attempts, m.LastError));

    private long NextSequence(DateTime now)
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastSequence);
            var next = Math.Max(now.Ticks, last + 1);
            if (Interlocked.CompareExchange(ref _lastSequence, next, last) == last) return next;
        }
    }
}
