using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>Uses per day and scene (with refusals).</summary>
internal sealed record SceneDayUsage(DateOnly Day, string Scene, int Uses, int Refused);

/// <summary>A refused card use.</summary>
internal sealed record CardRefusal(DateTime UsedAt, string CardNumber, string Scene, string TerminalId, string OperatorId, string? Reason);

/// <summary>Usage-log upload progress.</summary>
internal sealed record UsageUploadStatus(int Pending, int Batched, int BatchesDelivered, int BatchesWaiting, int BatchesDead);

/// <summary>The admin page's figures, read from the usage logs and the outbox.</summary>
internal sealed class HealthCardStatistics(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<SceneDayUsage>> UsageByDayAndSceneAsync(int days, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime.Date.AddDays(1 - days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<CardUsage>().AsNoTracking().Where(u => u.UsedAt >= since)
            .Select(u => new { u.UsedAt, u.Scene, u.Allowed }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => (Day: DateOnly.FromDateTime(r.UsedAt), r.Scene))
            .Select(g => new SceneDayUsage(g.Key.Day, g.Key.Scene, g.Count(), g.Count(r => !r.Allowed)))
            .OrderByDescending(r => r.Day).ThenBy(r => CardScenes.All.ToList().FindIndex(s => s.Code == r.Scene)).ToList();
    }

    public async Task<IReadOnlyList<CardRefusal>> RecentRefusalsAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<CardUsage>().AsNoTracking().Where(u => !u.Allowed).OrderByDescending(u => u.Id).Take(count)
            .Select(u => new CardRefusal(u.UsedAt, u.CardNumber, u.Scene, u.TerminalId, u.OperatorId, u.Reason)).ToListAsync(cancellationToken);
    }

    public async Task<UsageUploadStatus> UploadStatusAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.Set<CardUsage>().CountAsync(u => u.BatchId == null, cancellationToken);
        var batched = await db.Set<CardUsage>().CountAsync(u => u.BatchId != null, cancellationToken);
        var states = await db.Outbox.Where(m => m.Destination == CardUsageBatcher.Destination).GroupBy(m => m.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        int Count(string state) => states.Where(s => s.Key == state).Sum(s => s.Count);
        return new UsageUploadStatus(pending, batched, Count(OutboxStates.Delivered),
            Count(OutboxStates.Pending) + Count(OutboxStates.Failed), Count(OutboxStates.Dead));
    }
}
