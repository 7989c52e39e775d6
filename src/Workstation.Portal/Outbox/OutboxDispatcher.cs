using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Background;
using Microsoft.Extensions.Options;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Outbox;

/// <summary>Delivers outbox messages at least once: claims a batch with a lease (so that two portal instances never
/// send the same message at once and a dead instance's claims expire), keeps the order per ordering key, backs off
/// exponentially, dead-letters after <see cref="OutboxOptions.MaxAttempts"/>. Each outcome is recorded as its answer
/// arrives, so a process that dies mid-batch has its deliveries on record and sends none of them again; a new run of the
/// same instance takes its earlier run's claims back at start (<see cref="InstanceIdentity"/>). State lives in the
/// database.</summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxWriter writer,
    InstanceIdentity identity,
    IOptionsMonitor<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService, IPreviousRunClaims
{
    private readonly WakeableLoop _loop = new();
    private long _passes;

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

    string IPreviousRunClaims.What => "outbox messages";

    /// <summary>Puts the messages an earlier run of this instance had claimed back in the queue.</summary>
    public async Task<int> ReleaseAsync(string instancePrefix, string runPrefix, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.Outbox
            .Where(m => m.LeaseOwner != null && m.LeaseOwner.StartsWith(instancePrefix) && !m.LeaseOwner.StartsWith(runPrefix))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseUntil, (DateTime?)null)
                .SetProperty(m => m.State, m => m.Attempts > 0 ? OutboxStates.Failed : OutboxStates.Pending)
                .SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
    }

    /// <summary>One pass: claims due messages, sends them and records each outcome as it arrives; returns how many were
    /// claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        using var scope = scopes.CreateScope();
        var senders = scope.ServiceProvider.GetServices<IOutboxSender>().ToDictionary(s => s.Destination);
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        // The instance and run (operators can tell who holds a message), and the pass: two passes never share claims.
        var owner = $"{identity.Owner}.{Interlocked.Increment(ref _passes) & 0xFFFFFFF:x}"; // ≤ 37 characters

        var claimed = await ClaimAsync(db, o, now, owner, cancellationToken);
        if (claimed.Count == 0) return 0;

        // Outcomes go to one recorder, which owns the DbContext: those that arrive together share a transaction.
        var outcomes = Channel.CreateUnbounded<(OutboxMessage Message, OutboxOutcome Outcome)>(new UnboundedChannelOptions { SingleReader = true });
        var recording = RecordAsync(outcomes.Reader, db, senders, owner, o);
        var tried = new HashSet<OutboxMessage>();
        // Each ordering key in order, one message after another; keys (and unkeyed messages) in parallel.
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
                    lock (tried) tried.Add(message);
                    outcomes.Writer.TryWrite((message, outcome));
                    if (!outcome.Delivered) break; // the rest of this key waits for this one
                }
            }
            finally
            {
                gate.Release();
            }
        });
        try
        {
            await Task.WhenAll(lanes);
        }
        finally
        {
            // The sends happened: their outcomes are recorded even if we are stopping.
            outcomes.Writer.TryComplete();
            await recording;
        }

        // Not tried (an earlier message of their key failed): back in the queue for the next pass.
        var untried = claimed.Where(m => !tried.Contains(m) && db.Entry(m).State != EntityState.Detached).ToList();
        if (untried.Count > 0)
        {
            foreach (var message in untried)
            {
                message.LeaseOwner = null;
                message.LeaseUntil = null;
                message.State = message.Attempts > 0 ? OutboxStates.Failed : OutboxStates.Pending;
            }
            await SaveOutcomesAsync(db, untried, owner, new Dictionary<OutboxMessage, List<object>>());
        }
        return claimed.Count;
    }

    /// <summary>Records outcomes as they arrive: whatever is waiting is applied and saved in one transaction, then the
    /// next group. Runs until <paramref name="outcomes"/> is completed.</summary>
    private async Task RecordAsync(ChannelReader<(OutboxMessage Message, OutboxOutcome Outcome)> outcomes, PortalDbContext db,
        IReadOnlyDictionary<string, IOutboxSender> senders, string owner, OutboxOptions o)
    {
        var batch = new List<(OutboxMessage Message, OutboxOutcome Outcome)>();
        while (await outcomes.WaitToReadAsync(CancellationToken.None))
        {
            while (outcomes.TryRead(out var item)) batch.Add(item);
            var finished = time.GetUtcNow().UtcDateTime;
            var sideEffects = new Dictionary<OutboxMessage, List<object>>();
            // What each sender adds on delivery is told apart by the entries it leaves; no change detection per message
            // (SaveChanges detects the changes once).
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var tracked = db.ChangeTracker.Entries().Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var (message, outcome) in batch)
            {
                message.LeaseOwner = null;
                message.LeaseUntil = null;
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
            var messages = batch.Select(b => b.Message).ToList();
            try
            {
                var lost = await SaveOutcomesAsync(db, messages, owner, sideEffects);
                foreach (var message in messages.Where(m => !lost.Contains(m))) writer.Announce(message);
            }
            catch (Exception ex)
            {
                // The database is away: these stay claimed until their lease runs out, then they are sent again (the
                // receivers de-duplicate by id). Later outcomes of this pass are still tried.
                logger.LogError(ex, "Outcomes of {Count} outbox message(s) not recorded; they are sent again after the lease", messages.Count);
                foreach (var message in messages)
                {
                    db.Entry(message).State = EntityState.Detached;
                    foreach (var effect in sideEffects.GetValueOrDefault(message) ?? []) db.Entry(effect).State = EntityState.Detached;
                }
            }
            batch.Clear();
        }
    }

    /// <summary>Saves the outcomes of <paramref name="messages"/>. A message whose lease expired and was claimed by another
    /// pass meanwhile (its version moved on) is left to that pass: its outcome, and what its sender recorded on delivery,
    /// are dropped rather than overwriting the newer state (the receiver de-duplicates the repeated send by id). Returns
    /// the dropped messages.</summary>
    private async Task<HashSet<OutboxMessage>> SaveOutcomesAsync(PortalDbContext db, IReadOnlyList<OutboxMessage> messages, string owner,
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
                var ids = messages.Where(m => !lost.Contains(m)).Select(m => m.Id).ToList();
                var stillMine = (await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id) && m.LeaseOwner == owner)
                    .Select(m => m.Id).ToListAsync(CancellationToken.None)).ToHashSet();
                foreach (var message in messages.Where(m => !lost.Contains(m) && !stillMine.Contains(m.Id)))
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
    private async Task<List<OutboxMessage>> ClaimAsync(PortalDbContext db, OutboxOptions o, DateTime now, string owner, CancellationToken cancellationToken)
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
