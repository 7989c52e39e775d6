using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Background;
using Microsoft.Extensions.Options;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Outbox;

/// <summary>Delivers outbox messages at least once: claims a batch with a lease (so that two portal instances never
/// send the same message at once and a dead instance's claims expire), keeps the order per ordering key, backs off
/// exponentially, dead-letters after <see cref="OutboxOptions.MaxAttempts"/>. State lives in the database.</summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxWriter writer,
    IOptionsMonitor<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly WakeableLoop _loop = new();

    /// <summary>Delay before attempt <paramref name="attempts"/> + 1.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var o = options.CurrentValue;
        var seconds = o.FirstBackoff.TotalSeconds * Math.Pow(2, Math.Min(30, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(Math.Min(seconds, o.MaxBackoff.TotalSeconds));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Dispatch)
        {
            logger.LogInformation("Outbox dispatch is off on this instance (Outbox:Dispatch=false)");
            return;
        }
        writer.Enqueued += _loop.Wake;
        try
        {
            // Keep going while there is a full batch; otherwise wait for new work or the next poll.
            await _loop.RunAsync(() => options.CurrentValue.PollInterval, async ct =>
            {
                while (await RunOnceAsync(ct) >= options.CurrentValue.BatchSize)
                {
                }
            }, logger, "Outbox", stoppingToken);
        }
        finally
        {
            writer.Enqueued -= _loop.Wake;
        }
    }

    /// <summary>One pass: claims due messages, sends them, records the outcomes; returns how many were attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        using var scope = scopes.CreateScope();
        var senders = scope.ServiceProvider.GetServices<IOutboxSender>().ToDictionary(s => s.Destination);
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;

        var claimed = await ClaimAsync(db, o, now, cancellationToken);
        if (claimed.Count == 0) return 0;

        // Each ordering key in order, one message after another; keys (and unkeyed messages) in parallel.
        var outcomes = new Dictionary<string, OutboxOutcome>();
        using var gate = new SemaphoreSlim(o.MaxConcurrency);
        var lanes = claimed.GroupBy(m => m.OrderingKey ?? "\0" + m.Id).Select(async lane =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                foreach (var message in lane)
                {
                    var outcome = senders.TryGetValue(message.Destination, out var sender)
                        ? await SendAsync(sender, message, cancellationToken)
                        : OutboxOutcome.Reject($"no sender for destination '{message.Destination}'");
                    lock (outcomes) outcomes[message.Id] = outcome;
                    if (!outcome.Delivered) break; // the rest of this key waits for this one
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(lanes);

        var finished = time.GetUtcNow().UtcDateTime;
        var owner = claimed[0].LeaseOwner!;
        var sideEffects = new Dictionary<OutboxMessage, List<object>>();
        // What each sender adds on delivery is told apart by the entries it leaves; no change detection per message
        // (SaveChanges detects the changes once).
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var tracked = db.ChangeTracker.Entries().Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var message in claimed)
        {
            message.LeaseOwner = null;
            message.LeaseUntil = null;
            if (!outcomes.TryGetValue(message.Id, out var outcome))
            {
                message.State = message.Attempts > 0 ? OutboxStates.Failed : OutboxStates.Pending; // not tried: an earlier one failed
                continue;
            }
            message.Attempts++;
            if (outcome.Delivered)
            {
                message.State = OutboxStates.Delivered;
                message.DeliveredAt = finished;
                message.LastError = null;
                senders[message.Destination].OnDelivered(message, db);
                sideEffects[message] = db.ChangeTracker.Entries().Select(e => e.Entity).Where(tracked.Add).ToList();
                continue;
            }
            message.LastError = outcome.Error is { Length: > 1000 } e ? e[..1000] : outcome.Error;
            var dead = outcome.Permanent || message.Attempts >= o.MaxAttempts;
            message.State = dead ? OutboxStates.Dead : OutboxStates.Failed;
            message.NextAttemptAt = finished + Backoff(message.Attempts);
            logger.LogWarning("Outbox message {Id} to {Destination} {Outcome} (attempt {Attempts}): {Error}",
                message.Id, message.Destination, dead ? "dead-lettered" : "failed", message.Attempts, message.LastError);
        }
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        var lost = await SaveOutcomesAsync(db, claimed, owner, sideEffects); // the sends happened: record them even if we are stopping
        foreach (var message in claimed.Where(m => !lost.Contains(m))) writer.Announce(message);
        return claimed.Count;
    }

    /// <summary>Saves the outcomes. A message whose lease expired and was claimed by another pass meanwhile (its version
    /// moved on) is left to that pass: its outcome, and what its sender recorded on delivery, are dropped rather than
    /// overwriting the newer state (the receiver de-duplicates the repeated send by id). Returns the dropped messages.</summary>
    private async Task<HashSet<OutboxMessage>> SaveOutcomesAsync(PortalDbContext db, IReadOnlyList<OutboxMessage> claimed, string owner,
        IReadOnlyDictionary<OutboxMessage, List<object>> sideEffects)
    {
        var lost = new HashSet<OutboxMessage>();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return lost;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Which of our messages are no longer ours: one query for all of them, not one conflict at a time.
                var ids = claimed.Where(m => !lost.Contains(m)).Select(m => m.Id).ToList();
                var stillMine = (await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id) && m.LeaseOwner == owner)
                    .Select(m => m.Id).ToListAsync(CancellationToken.None)).ToHashSet();
                foreach (var message in claimed.Where(m => !lost.Contains(m) && !stillMine.Contains(m.Id)))
                {
                    lost.Add(message);
                    db.Entry(message).State = EntityState.Detached;
                    foreach (var effect in sideEffects.GetValueOrDefault(message) ?? []) db.Entry(effect).State = EntityState.Detached;
                    logger.LogWarning("Outbox message {Id}: lease taken over by another dispatcher; its outcome is recorded there", message.Id);
                }
            }
        }
    }

    private static async Task<OutboxOutcome> SendAsync(IOutboxSender sender, OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return OutboxOutcome.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Claims up to a batch of due messages with a lease. Per ordering key only an unbroken run from the key's
    /// oldest open message is claimed, and a key with a dead-lettered message is held until a person acts.</summary>
    private async Task<List<OutboxMessage>> ClaimAsync(PortalDbContext db, OutboxOptions o, DateTime now, CancellationToken cancellationToken)
    {
        var window = await db.Outbox.AsNoTracking()
            .Where(m => m.State == OutboxStates.Pending || m.State == OutboxStates.Failed || m.State == OutboxStates.Sending)
            .OrderBy(m => m.Sequence).Take(o.BatchSize * 2)
            .Select(m => new { m.Id, m.OrderingKey, m.NextAttemptAt, m.LeaseUntil })
            .ToListAsync(cancellationToken);
        if (window.Count == 0) return [];
        var keys = window.Where(m => m.OrderingKey != null).Select(m => m.OrderingKey!).Distinct().ToList();
        var held = (await db.Outbox.AsNoTracking().Where(m => m.State == OutboxStates.Dead && m.OrderingKey != null && keys.Contains(m.OrderingKey))
            .Select(m => m.OrderingKey!).Distinct().ToListAsync(cancellationToken)).ToHashSet();

        var wanted = new List<string>();
        var blocked = new HashSet<string>();
        foreach (var m in window)
        {
            var free = m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now);
            if (m.OrderingKey is { } key)
            {
                if (held.Contains(key) || blocked.Contains(key)) continue;
                if (!free)
                {
                    blocked.Add(key); // an earlier message of this key is waiting or in flight
                    continue;
                }
            }
            else if (!free) continue;
            wanted.Add(m.Id);
            if (wanted.Count == o.BatchSize) break;
        }
        if (wanted.Count == 0) return [];

        var owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}"; // the process id tells operators who holds a message
        if (owner.Length > 40) owner = owner[..40];
        var leaseUntil = now + o.Lease;
        await db.Outbox
            .Where(m => wanted.Contains(m.Id)
                        && (m.State == OutboxStates.Pending || m.State == OutboxStates.Failed || m.State == OutboxStates.Sending)
                        && (m.LeaseUntil == null || m.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, owner).SetProperty(m => m.LeaseUntil, leaseUntil)
                .SetProperty(m => m.State, OutboxStates.Sending).SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
        var claimed = await db.Outbox.Where(m => m.LeaseOwner == owner).OrderBy(m => m.Sequence).ToListAsync(cancellationToken);

        // Another dispatcher may have taken the head of a key between our read and our claim: then we must not send
        // that key's later messages before it. Keep, per key, only the run that starts at the head we saw.
        var heads = window.Where(m => m.OrderingKey != null).GroupBy(m => m.OrderingKey!).ToDictionary(g => g.Key, g => g.Select(m => m.Id).ToList());
        var keep = new List<OutboxMessage>();
        foreach (var lane in claimed.GroupBy(m => m.OrderingKey))
        {
            if (lane.Key is null)
            {
                keep.AddRange(lane);
                continue;
            }
            var expected = heads[lane.Key];
            var run = lane.Zip(expected).TakeWhile(p => p.First.Id == p.Second).Select(p => p.First).ToList();
            keep.AddRange(run);
            foreach (var release in lane.Except(run))
            {
                release.LeaseOwner = null;
                release.LeaseUntil = null;
                release.State = release.Attempts > 0 ? OutboxStates.Failed : OutboxStates.Pending;
            }
        }
        if (keep.Count != claimed.Count) await db.SaveChangesAsync(cancellationToken);
        return keep;
    }
}
