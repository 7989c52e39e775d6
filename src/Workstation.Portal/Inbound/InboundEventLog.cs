using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Inbound;

/// <summary>A stored event, as a feed reads it.</summary>
internal sealed record StoredEvent(long Id, string Source, string EventId, string Type, DateTime ReceivedAt, string PayloadJson);

/// <summary>The stored events in the order they were received, for features that follow them with a cursor of their own
/// (the upload feed): they read through here, never the table.</summary>
internal sealed class InboundEventLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Up to <paramref name="take"/> events after <paramref name="position"/> (an event id) of the given kinds,
    /// oldest first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(long position, IReadOnlyCollection<EventKind> kinds, int take,
        CancellationToken cancellationToken)
    {
        if (kinds.Count == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sources = kinds.Select(k => k.Source).Distinct().ToList();
        var types = kinds.Select(k => k.Type).Distinct().ToList();
        var candidates = await db.Set<InboundEvent>().AsNoTracking()
            .Where(e => e.Id > position && sources.Contains(e.Source) && types.Contains(e.Type))
            .OrderBy(e => e.Id).Take(take)
            .Select(e => new StoredEvent(e.Id, e.Source, e.EventId, e.Type, e.ReceivedAt, e.PayloadJson))
            .ToListAsync(cancellationToken);
        // The (source, type) pairs exactly (the query above is their cross product).
        return candidates.Where(e => kinds.Contains(new EventKind(e.Source, e.Type))).ToList();
    }

    /// <summary>The id of the latest stored event of the given kinds (0 when none): how far a feed must read to be
    /// caught up.</summary>
    public async Task<long> LatestAsync(IReadOnlyCollection<EventKind> kinds, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sources = kinds.Select(k => k.Source).Distinct().ToList();
        var types = kinds.Select(k => k.Type).Distinct().ToList();
        var latest = await db.Set<InboundEvent>().AsNoTracking().Where(e => sources.Contains(e.Source) && types.Contains(e.Type))
            .OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Source, e.Type }).Take(50).ToListAsync(cancellationToken);
        return latest.FirstOrDefault(e => kinds.Contains(new EventKind(e.Source, e.Type)))?.Id ?? 0;
    }
}

/// <summary>An event type from one source.</summary>
internal sealed record EventKind(string Source, string Type);
