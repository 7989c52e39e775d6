using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Workstation.Portal.Storage;

/// <summary>Durable, batched inserts for high-rate records (order checks): every caller awaits the commit of the
/// transaction that holds its row, but concurrent callers share one transaction, so one disk flush serves many
/// requests (group commit). Nothing is acknowledged before it is on disk. Rows that belong together (an order check and
/// the launch code of its decision URL) are queued as one entry, so they commit in the same transaction.</summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<(object Entity, object? Companion, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(object, object?, TaskCompletionSource)>(new UnboundedChannelOptions
        {
            SingleReader = true,
            // The reader is the writer's own thread blocked in a wait: waking it inline needs no thread-pool thread.
            AllowSynchronousContinuations = true,
        });
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly Task _loop;

    public GroupCommitWriter(IDbContextFactory<PortalDbContext> dbFactory, ILogger<GroupCommitWriter> logger)
    {
        _dbFactory = dbFactory;
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

    /// <summary>Completes when <paramref name="entity"/> and <paramref name="companion"/> (when not null) are committed,
    /// both in the same transaction; throws if their batch failed.</summary>
    public Task InsertAsync(object entity, object? companion)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entity, companion, done))) throw new InvalidOperationException("The writer is shut down.");
        return done.Task;
    }

    private void Run()
    {
        var batch = new List<(object Entity, object? Companion, TaskCompletionSource Done)>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                using var db = _dbFactory.CreateDbContext();
                foreach (var (entity, companion, _) in batch)
                {
                    db.Add(entity);
                    if (companion is not null) db.Add(companion);
                }
                db.SaveChanges();
                foreach (var (_, _, done) in batch) done.TrySetResult();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Batch of {Count} rows not committed", batch.Count);
                foreach (var (_, _, done) in batch) done.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
