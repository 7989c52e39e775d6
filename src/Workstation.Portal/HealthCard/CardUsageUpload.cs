using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Refit;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>Gathers usage logs not yet in a batch into one outbox message per <see cref="HealthCardOptions.BatchSize"/>
/// rows, in one transaction: the rows are claimed with a single UPDATE (so two portal instances never put a row in two
/// batches) and the batch id is the outbox message id, which the card system uses to ignore a batch sent twice.</summary>
public sealed class CardUsageBatcher(
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) == options.CurrentValue.BatchSize)
                {
                    // a full batch: there may be more
                }
                await Task.Delay(options.CurrentValue.BatchInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Usage-log batching failed; will try again");
                await Task.Delay(options.CurrentValue.BatchInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>Puts up to one batch in the outbox; returns the number of usage logs in it (0: nothing pending).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var batchId = "hc-usage-" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var claimed = await db.Set<CardUsage>().Where(u => u.BatchId == null).OrderBy(u => u.Id).Take(o.BatchSize)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.BatchId, batchId), cancellationToken);
        if (claimed == 0) return 0;
        var rows = await db.Set<CardUsage>().AsNoTracking().Where(u => u.BatchId == batchId).OrderBy(u => u.Id).ToListAsync(cancellationToken);
        var batch = new CardUsageBatchUpload(batchId, o.HospitalCode, rows.Select(u => new CardUsageUploadEntry(
            u.Id, u.CardNumber, u.Scene, u.TerminalId, u.OperatorId, u.UsedAt, u.Allowed, u.Reason)).ToList());
        writer.Add(db, batchId, Destination, MessageType, orderingKey: null, JsonSerializer.Serialize(batch, JsonSerializerOptions.Web));
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        writer.Signal();
        return claimed;
    }
}

/// <summary>Delivers usage-log batches to the card system from the shared outbox (at least once; the batch id makes a
/// repeat harmless at the receiver).</summary>
public sealed class CardSystemUsageSender(ICardSystemApi cards) : IOutboxSender
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
