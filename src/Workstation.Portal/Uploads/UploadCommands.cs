using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Audit;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Uploads;

/// <summary>What lab staff do in the console.</summary>
internal interface IUploadCommands
{
    /// <summary>Queues reports waiting for approval; returns how many were queued.</summary>
    Task<int> ApproveAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken cancellationToken);

    /// <summary>Puts a report's failed or dead-lettered messages back in line now.</summary>
    Task<int> RetryAsync(string reportNumber, string actor, CancellationToken cancellationToken);

    /// <summary>Revokes a report with a reason (as a LIS withdrawal would).</summary>
    Task RevokeAsync(string reportNumber, string reason, string actor, CancellationToken cancellationToken);
}

/// <summary>The console's commands: approve in bulk, retry, revoke; each audited.</summary>
internal sealed class UploadCommands(IDbContextFactory<PortalDbContext> dbFactory, UploadIntake intake, OutboxWriter outbox, TimeProvider time)
    : IUploadCommands
{
    /// <summary>Lab staff approve reports waiting in the console; returns how many were queued.</summary>
    public async Task<int> ApproveAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var items = await db.Set<UploadItem>().Where(i => ids.Contains(i.Id) && i.Stage == UploadStages.AwaitingApproval).ToListAsync(cancellationToken);
        foreach (var item in items)
            intake.Enqueue(db, item, UploadIntake.Read(item), actor);
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "upload.approve", detail: $"{items.Count} report(s)");
        await db.SaveChangesAsync(cancellationToken);
        outbox.Signal();
        return items.Count;
    }

    /// <summary>Puts the failed or dead-lettered messages of a report back in line now.</summary>
    public async Task<int> RetryAsync(string reportNumber, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = UploadMessages.ReportKey(reportNumber);
        var ids = await db.Outbox.Where(m => m.OrderingKey == key && (m.State == OutboxStates.Failed || m.State == OutboxStates.Dead))
            .Select(m => m.Id).ToListAsync(cancellationToken);
        var retried = 0;
        foreach (var id in ids) retried += await outbox.RetryNowAsync(db, id, cancellationToken) ? 1 : 0;
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "upload.retry", reportNumber);
        await db.SaveChangesAsync(cancellationToken);
        return retried;
    }

    /// <summary>Lab staff revoke a report with a reason (as a LIS withdrawal would).</summary>
    public async Task RevokeAsync(string reportNumber, string reason, string actor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await intake.WithdrawAsync(db, reportNumber, reason, actor, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // A dispatcher claimed one of its messages meanwhile: decide again on what is now sent.
            }
        }
        outbox.Signal();
    }
}
