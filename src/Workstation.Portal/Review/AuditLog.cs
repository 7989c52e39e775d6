using Workstation.Portal.Alerts;
using Workstation.Portal.Orders;
using Workstation.Portal.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Reads the audit trail (reading it is itself audited). There is no update or delete here, nor anywhere.</summary>
internal sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory, IOptions<ReviewOptions> options, TimeProvider time, GroupCommitWriter writer)
{
    public (DateTime FromUtc, DateTime ToUtc, FilterProblem? Problem) Resolve(AuditFilter filter)
    {
        var asReview = new ReviewFilter { From = filter.From, To = filter.To, Page = filter.Page, PageSize = filter.PageSize };
        var (resolved, problem) = ReviewFilterValidator.Resolve(asReview, time.GetUtcNow().UtcDateTime, options.Value, _ => true);
        if (problem is null && (filter.Actor is { Length: > 64 } || filter.Action is { Length: > 64 }))
            problem = new FilterProblem("Review.Problem.TooLong", "'actor' and 'action' are at most 64 characters.");
        return problem is null ? (resolved!.FromUtc, resolved.ToUtc, null) : (default, default, problem);
    }

    public async Task<ReviewPage<AuditRow>> ListAsync(AuditFilter filter, DateTime fromUtc, DateTime toUtc, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Who decided what: the doctors' decisions are their own record (recognition_decisions); they are listed here
        // beside the audit events, with negative ids so that the two never collide.
        var events = db.AuditEvents.AsNoTracking()
            .Select(a => new { a.Id, a.At, a.Actor, a.Action, a.Subject, a.Detail, Source = "audit" });
        var decisions = OrderQueries.Decisions(db)
            .Select(d => new
            {
                Id = -d.Id, At = d.DecidedAt, Actor = d.DoctorId, Action = "decision." + d.Choice, Subject = (string?)("decision/" + d.Id),
                Detail = (string?)(d.PatientId + " " + d.ItemCode + " " + d.ReportId + " " + d.ReasonCodes), Source = "decision",
            });
        var q = events.Concat(decisions).Where(a => a.At >= fromUtc && a.At < toUtc);
        if (filter.Actor is { Length: > 0 } who) q = q.Where(a => a.Actor == who);
        if (filter.Action is { Length: > 0 } what) q = q.Where(a => a.Action.StartsWith(what));
        var total = await q.CountAsync(cancellationToken);
        var rows = (await q.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
                .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
                .ToListAsync(cancellationToken))
            .Select(a => new AuditRow(a.Id, a.At, a.Actor, a.Action, a.Subject, a.Detail, a.Source))
            .ToList();
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.audit.view", null,
            $"from {fromUtc:u} to {toUtc:u} actor={filter.Actor} action={filter.Action} page={filter.Page} ({total})");
        await db.SaveChangesAsync(cancellationToken);
        return new ReviewPage<AuditRow>(total, filter.Page, filter.PageSize, rows);
    }

    /// <summary>Records that someone exported data (what, which filter, how many rows).</summary>
    public Task RecordExportAsync(string actor, string what, string format, string filter, int rows, CancellationToken cancellationToken) =>
        writer.InsertAsync(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, actor, "review.export", $"{what}.{format}", $"{filter} ({rows} rows)"));

    /// <summary>Records that someone opened the dashboard (durable before it returns, batched with concurrent writes).</summary>
    public Task RecordSummaryViewAsync(string actor, string filter, CancellationToken cancellationToken) =>
        writer.InsertAsync(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, actor, "review.summary.view", null, filter));
}
