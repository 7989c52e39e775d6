using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Refit;
using Workstation.Portal.Background;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>Gathers usage logs not yet in a batch into one outbox message per <see cref="HealthCardOptions.BatchSize"/>
/// rows. The batch is read and serialised outside any transaction; a short transaction then claims exactly those rows
/// (so two portal instances never put a row in two batches) and adds the message. SQLite's write lock, which every
/// verify's usage log waits for, is held for that claim only, not while a 500-row batch is read and serialised. The
/// batch id is the outbox message id, which the card system uses to ignore a batch sent twice.</summary>
internal sealed class CardUsageBatcher(
    IDbContextFactory<PortalDbContext> dbFactory,
    OutboxWriter writer,
    IOptionsMonitor<HealthCardOptions> options,
    TimeProvider time,
    ILogger<CardUsageBatcher> logger) : BackgroundService
{
    public const string Destination = "card-system";
    public const string MessageType = "health-card.usage-batch";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.CardSystemBaseUrl is null) return; // logs are kept until a card system is configured
        await new WakeableLoop(time).RunAsync(() => options.CurrentValue.BatchInterval, async ct =>
        {
            while (await RunOnceAsync(ct) == options.CurrentValue.BatchSize)
            {
                // a full batch: there may be more
            }
        }, logger, "Usage-log batching", stoppingToken);
    }

    /// <summary>Puts up to one batch in the outbox; returns the number of usage logs in it (0: nothing pending).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var rows = await db.Set<CardUsage>().AsNoTracking().Where(u => u.BatchId == null).OrderBy(u => u.Id).Take(o.BatchSize)
                .ToListAsync(cancellationToken);
            if (rows.Count == 0) return 0;
            var batchId = "hc-usage-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
            var payload = JsonSerializer.Serialize(new CardUsageBatchUpload(batchId, o.HospitalCode, rows.Select(u => new CardUsageUploadEntry(
                u.Id, u.CardNumber, u.Scene, u.TerminalId, u.OperatorId, u.UsedAt, u.Allowed, u.Reason)).ToList()), JsonSerializerOptions.Web);
            var (first, last) = (rows[0].Id, rows[^1].Id);

            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.Set<CardUsage>().Where(u => u.Id >= first && u.Id <= last && u.BatchId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.BatchId, batchId), cancellationToken);
            if (claimed != rows.Count)
            {
                // Another instance batched some of them, or a row committed late inside the range (PostgreSQL sequences):
                // the batch would not match its rows. Read again.
                await tx.RollbackAsync(cancellationToken);
                if (attempt < 3) continue;
                logger.LogWarning("Usage-log batch not formed after {Attempts} attempts (rows changed under it); trying again later", attempt + 1);
                return 0;
            }
            writer.Add(db, batchId, Destination, MessageType, orderingKey: null, payload);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            writer.Signal();
            return claimed;
        }
    }
}

/// <summary>Delivers usage-log batches to the card system from the shared outbox (at least once; the batch id makes a
/// repeat harmless at the receiver).</summary>
internal sealed class CardSystemUsageSender(ICardSystemApi cards) : IOutboxSender
{
    public string Destination => CardUsageBatcher.Destination;

    public async Task<OutboxOutcome> SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await cards.PostUsageAsync(JsonSerializer.Deserialize<CardUsageBatchUpload>(message.PayloadJson, JsonSerializerOptions.Web)!, cancellationToken);
            return OutboxOutcome.Ok;
        }
        catch (ApiException ex) when ((int)ex.StatusCode is >= 400 and < 500 and not 401 and not 408 and not 429)
        {
            return OutboxOutcome.Reject($"card system refused the batch: {(int)ex.StatusCode} {ex.Content}");
        }
        catch (Exception ex) when (ex is ApiException or ApiRequestException or HttpRequestException or TaskCanceledException
                                       or Polly.Timeout.TimeoutRejectedException)
        {
            return OutboxOutcome.Retry(ex.Message);
        }
    }
}
