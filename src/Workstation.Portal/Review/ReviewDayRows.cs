using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Reads the rows of local days and computes their facts (<see cref="ReviewFactBuilder"/>): the pre-computation
/// of closed days, and the days a summary must read from the rows (today, changed days).</summary>
public sealed class ReviewDayRows(RecognitionItemCatalogue catalogue, IOptions<ReviewOptions> options)
{
    /// <summary>The UTC bounds of local days <paramref name="from"/>..<paramref name="to"/> (end exclusive).</summary>
    public (DateTime From, DateTime To) Utc(DateOnly from, DateOnly to)
    {
        var offset = options.Value.UtcOffset;
        return (DateTime.SpecifyKind(from.ToDateTime(TimeOnly.MinValue) - offset, DateTimeKind.Utc),
            DateTime.SpecifyKind(to.AddDays(1).ToDateTime(TimeOnly.MinValue) - offset, DateTimeKind.Utc));
    }

    public DateOnly LocalDay(DateTime utc) => DateOnly.FromDateTime(utc + options.Value.UtcOffset);

    /// <summary>The facts of local days <paramref name="from"/>..<paramref name="to"/>, read through <paramref name="db"/>
    /// (a caller's snapshot transaction, when it has one).</summary>
    public async Task<List<FactRow>> BuildAsync(PortalDbContext db, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (fromUtc, toUtc) = Utc(from, to);
        var decided = db.Decisions.Where(d => d.DecidedAt >= fromUtc && d.DecidedAt < toUtc).Select(d => new { d.PatientId, d.ReportId });
        var listed = db.ListedReports.Where(l => l.ListedAt >= fromUtc && l.ListedAt < toUtc).Select(l => new { l.PatientId, l.ReportId });
        var pairs = decided.Union(listed);
        // Every decision and listing of the pairs seen in the range, at any time: the links and the latest decision.
        var decisions = await (
                from p in pairs
                join d in db.Decisions on new { p.PatientId, p.ReportId } equals new { d.PatientId, d.ReportId }
                select new DecisionFact(d.Id, d.DecidedAt, d.Choice, d.ReasonCodes, d.ItemCode, "", d.DoctorId, "", d.DepartmentCode, "",
                    d.PatientId, d.ReportId, d.ReportInstitution, d.ReportDate))
            .AsNoTracking().ToListAsync(cancellationToken);
        var listings = await (
                from p in pairs
                join l in db.ListedReports on new { p.PatientId, p.ReportId } equals new { l.PatientId, l.ReportId }
                select new ListingFact(l.PatientId, l.ReportId, l.ItemCode, l.ListedAt, l.Recognisable))
            .AsNoTracking().ToListAsync(cancellationToken);
        var checks = await db.OrderChecks.AsNoTracking().Where(c => c.CreatedAt >= fromUtc && c.CreatedAt < toUtc)
            .Select(c => new CheckFact(c.CreatedAt, c.WasNotChecked, c.RecheckedAt != null))
            .ToListAsync(cancellationToken);
        return ReviewFactBuilder.Build(from, to, options.Value.UtcOffset, decisions, listings, checks,
            code => catalogue.Find(code)?.ValidityDays, code => catalogue.Find(code)?.Price);
    }

    /// <summary>The local day of the first stored listing: goal 10 follows the national definition from it.</summary>
    public async Task<DateOnly?> FirstListedDayAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.ListedReports.MinAsync(l => (DateTime?)l.ListedAt, cancellationToken) is { } first ? LocalDay(first) : null;
}
