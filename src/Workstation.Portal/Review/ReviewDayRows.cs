using Workstation.Portal.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Reads the rows of local days and computes their facts (<see cref="ReviewFactBuilder"/>): the pre-computation
/// of closed days, and the days a summary must read from the rows (today, changed days).</summary>
internal sealed class ReviewDayRows(RecognitionItemCatalogue catalogue, IOptions<ReviewOptions> options)
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
        var decisions = await OrderQueries.Decisions(db).Where(d => d.DecidedAt >= fromUtc && d.DecidedAt < toUtc)
            .Select(d => new DecisionFact(d.Id, d.DecidedAt, d.Choice, d.ReasonCodes, d.ItemCode, "", d.DoctorId, "", d.DepartmentCode, "",
                d.PatientId, d.ReportId, d.ReportInstitution, d.ReportDate))
            .ToListAsync(cancellationToken);
        var listings = await ListingQueries.Listed(db).Where(l => l.ListedAt >= fromUtc && l.ListedAt < toUtc)
            .Select(l => new ListingFact(l.PatientId, l.ReportId, l.ItemCode, l.ListedAt, l.Recognisable))
            .ToListAsync(cancellationToken);
        // Every other decision and listing of the pairs seen in the range, at any time (the links and the latest
        // decision), read by patient (an index prefix) in slices and kept for those pairs.
        var pairs = decisions.Select(d => (d.PatientId, d.ReportId)).Concat(listings.Select(l => (l.PatientId, l.ReportId))).ToHashSet();
        foreach (var slice in pairs.Select(p => p.PatientId).Distinct().Chunk(2000))
        {
            var patients = slice.ToList();
            decisions.AddRange((await OrderQueries.Decisions(db)
                    .Where(d => patients.Contains(d.PatientId) && (d.DecidedAt < fromUtc || d.DecidedAt >= toUtc))
                    .Select(d => new DecisionFact(d.Id, d.DecidedAt, d.Choice, d.ReasonCodes, d.ItemCode, "", d.DoctorId, "", d.DepartmentCode, "",
                        d.PatientId, d.ReportId, d.ReportInstitution, d.ReportDate))
                    .ToListAsync(cancellationToken))
                .Where(d => pairs.Contains((d.PatientId, d.ReportId))));
            listings.AddRange((await ListingQueries.Listed(db)
                    .Where(l => patients.Contains(l.PatientId) && (l.ListedAt < fromUtc || l.ListedAt >= toUtc))
                    .Select(l => new ListingFact(l.PatientId, l.ReportId, l.ItemCode, l.ListedAt, l.Recognisable))
                    .ToListAsync(cancellationToken))
                .Where(l => pairs.Contains((l.PatientId, l.ReportId))));
        }
        var checks = await OrderQueries.Checks(db).Where(c => c.CreatedAt >= fromUtc && c.CreatedAt < toUtc)
            .Select(c => new CheckFact(c.CreatedAt, c.WasNotChecked, c.RecheckedAt != null))
            .ToListAsync(cancellationToken);
        return ReviewFactBuilder.Build(from, to, options.Value.UtcOffset, decisions, listings, checks,
            code => catalogue.Find(code)?.ValidityDays, code => catalogue.Find(code)?.Price);
    }

    /// <summary>A value that changes whenever the rows of local days <paramref name="from"/>..<paramref name="to"/> change in a
    /// way their figures see: rows are only added (decisions, listings, order checks, critical values, alert steps) or
    /// re-checked, so their counts only grow — also when transactions commit out of order.</summary>
    public async Task<string> VersionAsync(PortalDbContext db, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (fromUtc, toUtc) = Utc(from, to);
        var decisions = await OrderQueries.Decisions(db).CountAsync(d => d.DecidedAt >= fromUtc && d.DecidedAt < toUtc, cancellationToken);
        var listings = await ListingQueries.Listed(db).CountAsync(l => l.ListedAt >= fromUtc && l.ListedAt < toUtc, cancellationToken);
        var checks = await OrderQueries.Checks(db).CountAsync(c => c.CreatedAt >= fromUtc && c.CreatedAt < toUtc, cancellationToken);
        var rechecks = await OrderQueries.Checks(db).CountAsync(c => c.RecheckedAt >= fromUtc && c.RecheckedAt < toUtc, cancellationToken);
        var alerts = await AlertQueries.Timelines(db).CountAsync(a => a.ReportedAt >= fromUtc && a.ReportedAt < toUtc, cancellationToken);
        var steps = await AlertQueries.Steps(db).CountAsync(s => s.At >= fromUtc && s.At < toUtc, cancellationToken);
        return $"{decisions}.{listings}.{checks}.{rechecks}.{alerts}.{steps}";
    }

    /// <summary>The local day of the first stored listing: goal 10 follows the national definition from it.</summary>
    public async Task<DateOnly?> FirstListedDayAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await ListingQueries.Listed(db).MinAsync(l => (DateTime?)l.ListedAt, cancellationToken) is { } first ? LocalDay(first) : null;
}
