using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Audit;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Quality officers' review marks on decisions (合理 / 存疑 with a comment): appended and audited, never edited,
/// and tallied per department and doctor for feedback. The decision itself never changes.</summary>
internal sealed class ReviewMarking(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Adds a review mark (the decision is untouched); null when the decision does not exist.</summary>
    public async Task<MarkRow?> MarkAsync(long decisionId, string kind, string? comment, string actor, CancellationToken cancellationToken)
    {
        if (!ReviewMarkKinds.IsValid(kind)) throw new ArgumentException("kind must be 'appropriate' or 'questionable'.", nameof(kind));
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > ReviewMarkKinds.CommentMaxLength })
            throw new ArgumentException($"The comment is longer than {ReviewMarkKinds.CommentMaxLength} characters.", nameof(comment));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var d = await OrderQueries.Decisions(db).Where(x => x.Id == decisionId)
            .Select(x => new { x.DepartmentCode, x.DoctorId, x.DoctorName }).SingleOrDefaultAsync(cancellationToken);
        if (d is null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        var mark = new ReviewMark
        {
            DecisionId = decisionId, Kind = kind, Comment = comment, Reviewer = actor, MarkedAt = now,
            DepartmentCode = d.DepartmentCode, DoctorId = d.DoctorId, DoctorName = d.DoctorName,
        };
        db.ReviewMarks.Add(mark);
        AuditTrail.Add(db, now, actor, "review.mark", $"decision/{decisionId}", comment is null ? kind : $"{kind}: {comment}");
        await db.SaveChangesAsync(cancellationToken);
        return new MarkRow(mark.Id, decisionId, kind, comment, actor, now, d.DepartmentCode, d.DoctorId, d.DoctorName);
    }

    /// <summary>Review marks per department and doctor (optionally one department), most questionable first.</summary>
    public async Task<IReadOnlyList<MarkTally>> MarkTalliesAsync(string? department, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var marks = db.ReviewMarks.AsNoTracking();
        if (department is not null) marks = marks.Where(m => m.DepartmentCode == department);
        var rows = await marks.GroupBy(m => new { m.DepartmentCode, m.DoctorId, m.DoctorName })
            .Select(g => new MarkTally(g.Key.DepartmentCode, g.Key.DoctorId, g.Key.DoctorName,
                g.Count(m => m.Kind == ReviewMarkKinds.Appropriate), g.Count(m => m.Kind == ReviewMarkKinds.Questionable)))
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.Questionable).ThenBy(r => r.DepartmentCode, StringComparer.Ordinal).ThenBy(r => r.DoctorId, StringComparer.Ordinal).ToList();
    }
}
