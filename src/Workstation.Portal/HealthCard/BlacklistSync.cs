using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using Workstation.Portal.Background;
using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>What one sync pass did.</summary>
internal enum BlacklistSyncOutcome
{
    NotConfigured,
    FullLoad,
    FullResyncAfterGap,
    DeltasApplied,
    Unchanged,
    Failed,
}

/// <summary>Keeps the blacklist in step with the city card-management system: the persisted list at start (so verify
/// answers even when the card system is down), a full load, then versioned deltas every
/// <see cref="HealthCardOptions.SyncInterval"/>; a delta that does not follow the current version (out of order or
/// missing) triggers a full resync. Memory is swapped first, the database copy follows.</summary>
internal sealed class BlacklistSync(
    Blacklist blacklist,
    ICardSystemApi cards,
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<HealthCardOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BlacklistSync> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _persistedLoaded;
    private bool _fullLoaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The persisted list at once, so verify answers from it; the card system once the host has started (in the demo
        // it is an in-process simulator that starts with the host).
        await LoadPersistedOnceAsync(stoppingToken);
        if (!await HostStart.WaitAsync(lifetime, stoppingToken)) return;
        await new WakeableLoop(time).RunAsync(async ct =>
        {
            var outcome = await SyncOnceAsync(ct);
            // After a failure (e.g. the card system starting after the portal) ask again soon, not a whole interval later.
            var interval = options.CurrentValue.SyncInterval;
            return outcome == BlacklistSyncOutcome.Failed && interval > RetryAfterFailure ? RetryAfterFailure : interval;
        }, () => options.CurrentValue.SyncInterval, logger, "Blacklist sync", stoppingToken, passFirst: true);
    }

    /// <summary>One pass (tests and the admin page call it directly).</summary>
    public async Task<BlacklistSyncOutcome> SyncOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_persistedLoaded) await LoadPersistedAsync(cancellationToken);
            if (options.CurrentValue.CardSystemBaseUrl is null) return BlacklistSyncOutcome.NotConfigured;
            var now = time.GetUtcNow().UtcDateTime;
            try
            {
                if (!_fullLoaded) return await FullLoadAsync(BlacklistSyncOutcome.FullLoad, cancellationToken);
                var from = blacklist.Version;
                var deltas = await cards.GetDeltasAsync(from, cancellationToken);
                if (deltas.Deltas.Count == 0 && deltas.CurrentVersion == from)
                {
                    blacklist.TryApply([], now);
                    await SaveStateAsync(s => s.LastSyncAt = now, cancellationToken);
                    return BlacklistSyncOutcome.Unchanged;
                }
                if (deltas.Deltas.Count == 0 || !blacklist.TryApply(deltas.Deltas, now))
                {
                    logger.LogWarning("Blacklist delta gap after version {Version} (card system at {Current}, deltas from {First}); full resync",
                        from, deltas.CurrentVersion, deltas.Deltas.Count > 0 ? deltas.Deltas[0].Version : null);
                    return await FullLoadAsync(BlacklistSyncOutcome.FullResyncAfterGap, cancellationToken);
                }
                await PersistDeltasAsync(deltas.Deltas, now, cancellationToken);
                return BlacklistSyncOutcome.DeltasApplied;
            }
            catch (Exception ex) when (ex is ApiException or ApiRequestException or HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                           or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var error = ex is ApiException api ? $"card system answered {(int)api.StatusCode}" : $"card system unreachable: {ex.Message}";
                blacklist.RecordError(error, now);
                logger.LogWarning("Blacklist sync failed: {Error}", error);
                await SaveStateAsync(s => (s.LastError, s.LastErrorAt) = (error.Length > 500 ? error[..500] : error, now), cancellationToken);
                return BlacklistSyncOutcome.Failed;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private const int Chunk = 5000;

    private async Task<BlacklistSyncOutcome> FullLoadAsync(BlacklistSyncOutcome outcome, CancellationToken cancellationToken)
    {
        var list = await cards.GetBlacklistAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        blacklist.Replace(list.Version, list.Entries, now, fromCardSystem: true);
        _fullLoaded = true;

        // The new list is written as a new generation in short transactions (a million cards in one transaction would
        // hold SQLite's write lock, and so every usage log and audit row, for tens of seconds); one small transaction
        // then makes it current, and the old generation is deleted in chunks. A crash half-way leaves the previous
        // generation current.
        long generation;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            generation = (await db.Set<BlacklistSyncState>().AsNoTracking().Where(s => s.Id == 1).Select(s => (long?)s.Generation)
                .FirstOrDefaultAsync(cancellationToken) ?? 0) + 1;
        foreach (var chunk in list.Entries.DistinctBy(e => e.CardNumber).Chunk(Chunk))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await db.Set<BlacklistedCard>().Where(c => c.Generation == generation && chunk.Select(e => e.CardNumber).Contains(c.CardNumber))
                .ExecuteDeleteAsync(cancellationToken); // left over by an interrupted load of the same generation
            db.Set<BlacklistedCard>().AddRange(chunk.Select(e => Row(generation, e)));
            await db.SaveChangesAsync(cancellationToken);
        }
        await SaveStateAsync(s => (s.Generation, s.Version, s.LastSyncAt, s.LastFullLoadAt, s.LastError) = (generation, list.Version, now, now, null),
            cancellationToken);
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var old = await db.Set<BlacklistedCard>().AsNoTracking().Where(c => c.Generation < generation).OrderBy(c => c.CardNumber).Select(c => c.CardNumber)
                .Take(Chunk).ToListAsync(cancellationToken);
            if (old.Count == 0) break;
            await db.Set<BlacklistedCard>().Where(c => c.Generation < generation && old.Contains(c.CardNumber)).ExecuteDeleteAsync(cancellationToken);
        }
        logger.LogInformation("Blacklist loaded in full: version {Version}, {Count} cards", list.Version, list.Entries.Count);
        return outcome;
    }

    /// <summary>Applying a delta to a row is idempotent (delete, then insert), so the rows are written in short
    /// transactions and the version last: after a crash half-way the deltas are fetched and applied again.</summary>
    private async Task PersistDeltasAsync(IReadOnlyList<CardBlacklistDelta> deltas, DateTime now, CancellationToken cancellationToken)
    {
        long generation;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            generation = await db.Set<BlacklistSyncState>().AsNoTracking().Where(s => s.Id == 1).Select(s => s.Generation)
                .FirstOrDefaultAsync(cancellationToken);
        foreach (var d in deltas)
        {
            var added = d.Added.DistinctBy(a => a.CardNumber).ToDictionary(a => a.CardNumber);
            foreach (var chunk in d.Removed.Concat(added.Keys).Distinct().Chunk(Chunk))
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Set<BlacklistedCard>().Where(c => c.Generation == generation && chunk.Contains(c.CardNumber)).ExecuteDeleteAsync(cancellationToken);
                db.Set<BlacklistedCard>().AddRange(chunk.Where(added.ContainsKey).Select(card => Row(generation, added[card])));
                await db.SaveChangesAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
        }
        await SaveStateAsync(s => (s.Generation, s.Version, s.LastSyncAt, s.LastError) = (generation, deltas[^1].Version, now, null), cancellationToken);
    }

    private static BlacklistedCard Row(long generation, CardBlacklistEntry e) =>
        new() { Generation = generation, CardNumber = e.CardNumber, Scope = e.Scope, Reason = e.Reason };

    private async Task LoadPersistedOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_persistedLoaded) await LoadPersistedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadPersistedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var state = await db.Set<BlacklistSyncState>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (state is { Version: > 0 })
        {
            var entries = await db.Set<BlacklistedCard>().AsNoTracking().Where(c => c.Generation == state.Generation)
                .Select(c => new CardBlacklistEntry(c.CardNumber, c.Scope, c.Reason)).ToListAsync(cancellationToken);
            blacklist.Replace(state.Version, entries, state.LastSyncAt, fromCardSystem: false);
            logger.LogInformation("Blacklist version {Version} ({Count} cards) loaded from the database", state.Version, entries.Count);
        }
        _persistedLoaded = true;
    }

    private async Task SaveStateAsync(Action<BlacklistSyncState> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await UpdateStateAsync(db, change, cancellationToken);
    }

    private static async Task UpdateStateAsync(PortalDbContext db, Action<BlacklistSyncState> change, CancellationToken cancellationToken)
    {
        var state = await db.Set<BlacklistSyncState>().FirstOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (state is null) db.Add(state = new BlacklistSyncState());
        change(state);
        await db.SaveChangesAsync(cancellationToken);
    }
}
