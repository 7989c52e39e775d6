using Workstation.Portal.Alerts;
using Workstation.Portal.Orders;
using Workstation.Portal.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Loads the facts of a filter and computes the dashboard with <see cref="ReviewMetrics"/>. The outcome and
/// reason filters do not apply here (the figures are about all outcomes); critical values follow the date range and the
/// department only.</summary>
public sealed class ReviewSummaryService(
    IDbContextFactory<PortalDbContext> dbFactory, ReviewExplorer explorer, RecognitionItemCatalogue catalogue, IOptions<ReviewOptions> options)
{
    public async Task<ReviewSummary> SummarizeAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        // The decisions dominate; the other reads (each on its own context) run beside them.
        var decisionsTask = DecisionFactsAsync(filter, cancellationToken);
        var notChecked = await explorer.NotCheckedFactsAsync(filter, cancellationToken);
        var alerts = await AlertFactsAsync(filter, cancellationToken);
        var f = filter.Filter;
        Ratio? notCheckedShare = null;
        if (f.Department is null && f.Doctor is null && f.Setting is null && f.Item is null && f.Institution is null)
        {
            // Order checks carry their department inside JSON: the share is computed hospital-wide only.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var checks = await db.OrderChecks.AsNoTracking().CountAsync(c => c.CreatedAt >= filter.FromUtc && c.CreatedAt < filter.ToUtc, cancellationToken);
            notCheckedShare = new Ratio(notChecked.Count, checks);
        }
        // Names come from the (briefly cached) directories: reading them for every row costs more than the figures.
        var departments = (await explorer.DepartmentsAsync(cancellationToken)).ToDictionary(d => d.Code, d => d.Name);
        var doctors = (await explorer.DoctorsAsync(null, cancellationToken)).ToDictionary(d => d.Code, d => d.Name);
        var decisions = await decisionsTask;
        var o = options.Value;

        // Independent passes over the same rows: on two cores, half of them on the other one.
        var byPair = Task.Run(() =>
        {
            var latest = ReviewMetrics.LatestPerPair(decisions);
            return (Goal: ReviewMetrics.RecognitionRate(decisions, code => catalogue.Find(code)?.ValidityDays),
                Institutions: ReviewMetrics.InstitutionsOfLatest(latest),
                Cost: ReviewMetrics.CostAvoidedOfLatest(latest, code => catalogue.Find(code)?.Price),
                Weekly: ReviewMetrics.Trend(decisions, notChecked, o.UtcOffset, monthly: false),
                Monthly: ReviewMetrics.Trend(decisions, notChecked, o.UtcOffset, monthly: true));
        }, cancellationToken);
        var byItem = ReviewMetrics.DeclineRateBy(decisions, d => d.ItemCode, d => catalogue.Find(d.ItemCode)?.Name ?? d.ItemCode);
        var byDoctor = ReviewMetrics.DeclineRateBy(decisions, d => d.DoctorId,
            d => $"{doctors.GetValueOrDefault(d.DoctorId, d.DoctorId)} · {departments.GetValueOrDefault(d.DepartmentCode, d.DepartmentCode)}");
        var byDepartment = ReviewMetrics.DeclineRateBy(decisions, d => d.DepartmentCode, d => departments.GetValueOrDefault(d.DepartmentCode, d.DepartmentCode), top: 50);
        var reasons = ReviewMetrics.DeclinesByReason(decisions);
        var dialog = ReviewMetrics.DialogRate(decisions);
        var pairs = await byPair;
        return new ReviewSummary(
            pairs.Goal, dialog, decisions.Count, dialog.Denominator - dialog.Numerator,
            byItem, byDoctor, byDepartment, reasons,
            notChecked.Count, notChecked.Count(c => c.RecheckedAt is not null), notCheckedShare,
            pairs.Institutions, pairs.Cost, pairs.Weekly, pairs.Monthly,
            ReviewMetrics.CriticalValues(alerts, o.CriticalNotifyLimit));
    }

    private async Task<List<DecisionFact>> DecisionFactsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ReviewExplorer.Apply(db.Decisions.AsNoTracking(), filter, withOutcome: false)
            .Select(d => new DecisionFact(d.Id, d.DecidedAt, d.Choice, d.ReasonCodes, d.ItemCode, "", d.DoctorId, "",
                d.DepartmentCode, "", d.PatientId, d.ReportId, d.ReportInstitution, d.ReportDate))
            .ToListAsync(cancellationToken);
    }

    private async Task<List<AlertFact>> AlertFactsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = AlertQueries.Timelines(db).Where(a => a.ReportedAt >= filter.FromUtc && a.ReportedAt < filter.ToUtc);
        if (filter.Filter.Department is { } dep) alerts = alerts.Where(a => a.DepartmentCode == dep);
        return await alerts
            .Select(a => new AlertFact(a.Id, a.DepartmentCode, a.ReportedAt, a.NotifiedAt, a.AcknowledgedAt, a.HandledAt, a.EscalationLevel))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One row per local month of the filter: the monthly summary export.</summary>
    public async Task<IReadOnlyList<MonthlySummaryRow>> MonthlyAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        var decisions = await DecisionFactsAsync(filter, cancellationToken);
        var notChecked = await explorer.NotCheckedFactsAsync(filter, cancellationToken);
        var alerts = await AlertFactsAsync(filter, cancellationToken);
        var offset = options.Value.UtcOffset;
        string Month(DateTime utc) => (utc + offset).ToString("yyyy-MM");
        var months = decisions.Select(d => Month(d.DecidedAt)).Concat(notChecked.Select(c => Month(c.CreatedAt)))
            .Concat(alerts.Select(a => Month(a.ReportedAt))).Distinct().Order(StringComparer.Ordinal);
        return months.Select(m =>
        {
            var ds = decisions.Where(d => Month(d.DecidedAt) == m).ToList();
            var nc = notChecked.Where(c => Month(c.CreatedAt) == m).ToList();
            var cv = ReviewMetrics.CriticalValues(alerts.Where(a => Month(a.ReportedAt) == m).ToList(), options.Value.CriticalNotifyLimit);
            var goal = ReviewMetrics.RecognitionRate(ds, code => catalogue.Find(code)?.ValidityDays);
            var dialog = ReviewMetrics.DialogRate(ds);
            return new MonthlySummaryRow
            {
                Month = m, Decisions = ds.Count, Recognised = dialog.Numerator, Declined = ds.Count - dialog.Numerator,
                DialogRate = Percent(dialog), RecognitionRateNumerator = goal.Numerator, RecognitionRateDenominator = goal.Denominator,
                RecognitionRate = Percent(goal), NotChecked = nc.Count, Reconciled = nc.Count(c => c.RecheckedAt is not null),
                CostAvoided = ReviewMetrics.CostAvoided(ds, code => catalogue.Find(code)?.Price),
                CriticalValues = cv.Alerts, NotifiedInTime = Percent(cv.NotifiedInTime), Escalated = cv.Escalated,
            };
        }).ToList();
    }

    private static string Percent(Ratio r) => r.Value is { } v ? (v * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";
}
