using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Workstation.Portal.Storage;

/// <summary>Durable, batched inserts for high-rate records (order checks, the reports a badge listed, views of patient
/// data): concurrent writers share one transaction, so one disk flush serves many requests (group commit).
/// <para><see cref="InsertAsync(object, object?)"/>: the caller awaits the commit of the transaction that holds its row;
/// nothing is acknowledged before it is on disk. Rows that belong together (an order check and the launch code of its
/// decision URL) are queued as one entry, so they commit in the same transaction.</para>
/// <para><see cref="Post"/>: written behind the answer. The caller does not wait; the row is committed with the next
/// batch, retried (with backoff) until it is, and flushed when the portal stops. A row a unique index already holds
/// (another instance, or an earlier run, stored it) counts as written.</para>
/// <para>On SQLite a batch is inserted with prepared statements on the writer's own connection
/// (<see cref="SqliteDirectInserts"/>, which checkpoints the WAL between batches, not inside a commit), unless it
/// holds a row of a type that needs more than an INSERT or a row an
/// <see cref="IAddedRowRule"/> claims for its SaveChanges interceptor; those batches, and every batch on PostgreSQL, go
/// through SaveChanges.</para></summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Channel<Entry> _queue =
        Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions
        {
            SingleReader = true,
            // The reader is the writer's own thread blocked in a wait: waking it inline needs no thread-pool thread.
            AllowSynchronousContinuations = true,
        });
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly IAddedRowRule[] _rules;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stopping = new();
    private int _behind;

    /// <summary>One queued row (and its companion); <see cref="Done"/> is null for rows written behind.</summary>
    private sealed record Entry(object Entity, object? Companion, TaskCompletionSource? Done);

    public GroupCommitWriter(IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IAddedRowRule> rules, TimeProvider time,
        ILogger<GroupCommitWriter> logger)
    {
        _dbFactory = dbFactory;
        _time = time;
        _rules = [.. rules];
        _logger = logger;
        // Its own thread: SQLite commits are synchronous underneath (the fsync included), and on a thread-pool thread they
        // hold up the request continuations queued behind them, most on a small machine (one or two pool threads).
        var loop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = loop.Task;
        // UnsafeStart: the thread does not keep the execution context (activity, log context) of whoever created it.
        new Thread(() =>
        {
            try
            {
                Run();
                loop.SetResult();
            }
            catch (Exception ex)
            {
                loop.SetException(ex);
            }
        }) { IsBackground = true, Name = "group-commit" }.UnsafeStart();
    }

    /// <summary>Completes when <paramref name="entity"/> is committed; throws if its batch failed.</summary>
    public Task InsertAsync(object entity) => InsertAsync(entity, null);

    /// <summary>Completes when <paramref name="entity"/> and <paramref name="companion"/> (when not null; a sequence of
    /// rows is added row by row) are committed, all in the same transaction; throws if their batch failed.</summary>
    public Task InsertAsync(object entity, object? companion)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Entry(entity, companion, done))) throw new InvalidOperationException("The writer is shut down.");
        return done.Task;
    }

    /// <summary>Queues <paramref name="entity"/> to be written behind the answer (see the class remarks).</summary>
    public void Post(object entity)
    {
        if (!_queue.Writer.TryWrite(new Entry(entity, null, null))) throw new InvalidOperationException("The writer is shut down.");
        Interlocked.Increment(ref _behind);
    }

    /// <summary>Rows posted behind the answer and not yet committed.</summary>
    public int Pending => Volatile.Read(ref _behind);

    private void Run()
    {
        using var direct = DirectInserts();
        var batch = new List<Entry>(MaxBatch);
        var carried = new List<Entry>(); // rows written behind whose batch failed: tried again first
        var failures = 0;
        while (carried.Count > 0 || _queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.AddRange(carried);
            carried.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                Commit(batch, direct);
                Completed(batch);
                failures = 0;
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Some row is already stored: one transaction per row, so that only that one is refused.
                foreach (var entry in batch) CommitAlone(entry, carried, direct);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Batch of {Count} rows not committed", batch.Count);
                foreach (var entry in batch)
                {
                    if (entry.Done is { } done) done.TrySetException(ex);
                    else carried.Add(entry);
                }
            }
            batch.Clear();
            if (carried.Count > 0) failures = Backoff(failures + 1, carried);
            // After the batch's waiters are released, not inside its commit (decision 0018).
            else direct?.CheckpointIfDue(idle: !_queue.Reader.TryPeek(out _));
        }
    }

    /// <summary>The writer's own SQLite inserts, or null on PostgreSQL (or if they cannot be set up: SaveChanges then).</summary>
    private SqliteDirectInserts? DirectInserts()
    {
        try
        {
            using var db = _dbFactory.CreateDbContext();
            return db.Database.IsSqlite() ? new SqliteDirectInserts(db.Model, db.Database.GetConnectionString()!, _time, _logger) : null;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Group commit: direct SQLite inserts not set up; every batch goes through SaveChanges");
            return null;
        }
    }

    private void Commit(IReadOnlyList<Entry> entries, SqliteDirectInserts? direct)
    {
        var rows = new List<object>(entries.Count * 2);
        foreach (var (entity, companion, _) in entries)
        {
            rows.Add(entity);
            if (companion is IEnumerable<object> companions) rows.AddRange(companions);
            else if (companion is not null) rows.Add(companion);
        }
        if (direct is not null && rows.TrueForAll(row => direct.Handles(row.GetType()) && !Array.Exists(_rules, rule => rule.NeedsSaveChanges(row))))
        {
            direct.Insert(rows);
            return;
        }
        using var db = _dbFactory.CreateDbContext();
        // Only new rows, added once and not changed before the save: nothing for DetectChanges to find, and every
        // Entries<T>() the SaveChanges interceptors ask (review marks, versions, the audit guard) would run it again
        // over the whole batch.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var row in rows) Add(db, row);
        db.SaveChanges();
    }

    /// <summary>Adds a row; a key the database generates is cleared first, in case a failed attempt left one behind.</summary>
    private static void Add(PortalDbContext db, object entity)
    {
        foreach (var key in db.Model.FindEntityType(entity.GetType())?.FindPrimaryKey()?.Properties ?? [])
        {
            if (key.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd || key.PropertyInfo is not { } property) continue;
            var empty = key.ClrType.IsValueType ? Activator.CreateInstance(key.ClrType) : null;
            if (!Equals(property.GetValue(entity), empty)) property.SetValue(entity, empty);
        }
        db.Add(entity);
    }

    private void CommitAlone(Entry entry, List<Entry> carried, SqliteDirectInserts? direct)
    {
        try
        {
            Commit([entry], direct);
            Completed([entry]);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            if (entry.Done is { } done) done.TrySetException(ex);
            else Completed([entry]); // written behind: what it says is already stored
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Row not committed");
            if (entry.Done is { } done) done.TrySetException(ex);
            else carried.Add(entry);
        }
    }

    private void Completed(IEnumerable<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Done is { } done) done.TrySetResult();
            else Interlocked.Decrement(ref _behind);
        }
    }

    /// <summary>Waits before rows written behind are tried again (1 s, 2 s, … 30 s). Once the portal is stopping they are
    /// tried a few more times; if the database never comes back they are logged in full, so that they can be replayed.</summary>
    private int Backoff(int failures, List<Entry> carried)
    {
        if (_stopping.IsCancellationRequested && failures > 5)
        {
            foreach (var entry in carried)
                _logger.LogCritical("Row written behind the answer could not be stored before shut-down: {Type} {Row}",
                    entry.Entity.GetType().Name, System.Text.Json.JsonSerializer.Serialize(entry.Entity, entry.Entity.GetType()));
            Interlocked.Add(ref _behind, -carried.Count);
            carried.Clear();
            return 0;
        }
        var wait = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, failures - 1)));
        _stopping.Token.WaitHandle.WaitOne(_stopping.IsCancellationRequested ? TimeSpan.FromSeconds(1) : wait);
        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
