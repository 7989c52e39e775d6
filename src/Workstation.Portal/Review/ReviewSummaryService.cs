using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Portal.Alerts;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>The dashboard's figures for a filter. A hospital-wide filter reads the closed days' pre-computed facts
/// (<see cref="ReviewPrecomputer"/>) and computes today and any changed day from the rows; a filter on a department,
/// doctor, setting, item or institution reads the rows (<see cref="ReviewMetrics"/>). Both give the same figures (an
/// integration test holds them to it). The outcome and reason filters do not apply here (the figures are about all
/// outcomes); critical values follow the dates and the department only.</summary>
public sealed class ReviewSummaryService(
    IDbContextFactory<PortalDbContext> dbFactory, ReviewExplorer explorer, ReviewDayRows dayRows, RecognitionItemCatalogue catalogue,
    IOptions<ReviewOptions> options, TimeProvider time)
{
    public async Task<ReviewSummary> SummarizeAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        var label = await LabelsAsync(cancellationToken);
        var critical = ReviewMetrics.CriticalValues(await AlertFactsAsync(filter, cancellationToken), options.Value.LimitOf);
        if (IsHospitalWide(filter.Filter) && await FromPrecomputedAsync(filter, label, critical, cancellationToken) is { } precomputed)
            return precomputed;
        return await FromRowsAsync(filter, label, critical, cancellationToken);
    }

    /// <summary>The same figures, always from the rows (the check of the pre-computed path, and filtered views).</summary>
    public async Task<ReviewSummary> FromRowsAsync(ResolvedFilter filter, CancellationToken cancellationToken) =>
        await FromRowsAsync(filter, await LabelsAsync(cancellationToken),
            ReviewMetrics.CriticalValues(await AlertFactsAsync(filter, cancellationToken), options.Value.LimitOf), cancellationToken);

    private static bool IsHospitalWide(ReviewFilter f) =>
        f.Department is null && f.Doctor is null && f.Setting is null && f.Item is null && f.Institution is null;

    private async Task<ReviewSummary> FromRowsAsync(ResolvedFilter filter, Func<string, string, string> label, CriticalValueSummary critical,
        CancellationToken cancellationToken)
    {
        // The decisions dominate; the other reads (each on its own context) run beside them.
        var decisionsTask = DecisionFactsAsync(filter, cancellationToken);
        var notChecked = await explorer.NotCheckedFactsAsync(filter, cancellationToken);
        var f = filter.Filter;
        Ratio? notCheckedShare = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // An order line has no producing institution: with that filter there is no share to give.
            if (f.Institution is null)
                notCheckedShare = new Ratio(notChecked.Count, await ReviewExplorer.ApplyChecks(db.OrderChecks.AsNoTracking(), filter).CountAsync(cancellationToken));
        }
        var decisions = await decisionsTask;
        var (rate, approximateUntil) = await RecognitionRateAsync(filter, decisions, cancellationToken);
        var o = options.Value;

        // Independent passes over the same rows: on two cores, half of them on the other one.
        var byPair = Task.Run(() =>
        {
            var latest = ReviewMetrics.LatestPerPair(decisions);
            return (Institutions: ReviewMetrics.InstitutionsOfLatest(latest),
                Cost: ReviewMetrics.CostAvoidedOfLatest(latest, code => catalogue.Find(code)?.Price),
                Weekly: ReviewMetrics.Trend(decisions, notChecked, o.UtcOffset, monthly: false),
                Monthly: ReviewMetrics.Trend(decisions, notChecked, o.UtcOffset, monthly: true));
        }, cancellationToken);
        var byItem = ReviewMetrics.DeclineRateBy(decisions, d => d.ItemCode, d => label(FactDims.Item, d.ItemCode));
        var byDoctor = ReviewMetrics.DeclineRateBy(decisions, ReviewMetrics.DoctorKey, d => label(FactDims.Doctor, ReviewMetrics.DoctorKey(d)))
            .Select(g => g with { Key = g.Key.Split('|')[0] }).ToList();
        var byDepartment = ReviewMetrics.DeclineRateBy(decisions, d => d.DepartmentCode, d => label(FactDims.Department, d.DepartmentCode), top: 50);
        var reasons = ReviewMetrics.DeclinesByReason(decisions);
        var dialog = ReviewMetrics.DialogRate(decisions);
        var pairs = await byPair;
        return new ReviewSummary(
            rate, dialog, decisions.Count, dialog.Denominator - dialog.Numerator,
            byItem, byDoctor, byDepartment, reasons,
            notChecked.Count, notChecked.Count(c => c.RecheckedAt is not null), notCheckedShare,
            pairs.Institutions, pairs.Cost, pairs.Weekly, pairs.Monthly, critical) { ApproximateUntil = approximateUntil };
    }

    /// <summary>Goal 10 from the rows: the filter's listings and decisions, and the latest decision of each pair.</summary>
    private async Task<(Ratio Rate, DateOnly? ApproximateUntil)> RecognitionRateAsync(ResolvedFilter filter, IReadOnlyCollection<DecisionFact> decisions,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firstListed = await dayRows.FirstListedDayAsync(db, cancellationToken);
        var (listings, latest) = await ListingsAsync(db, filter, firstListed, cancellationToken);
        return ReviewMetrics.RecognitionRate(filter.Filter.From!.Value, filter.Filter.To!.Value, firstListed, options.Value.UtcOffset,
            listings, decisions, p => latest.GetValueOrDefault(p), code => catalogue.Find(code)?.ValidityDays);
    }

    /// <summary>The filter's listings from the first listed day on, and the latest decision (at any time) of every pair
    /// listed or decided in that part of the range.</summary>
    private async Task<(List<ListingFact> Listings, Dictionary<(string, string), string> Latest)> ListingsAsync(PortalDbContext db, ResolvedFilter filter,
        DateOnly? firstListed, CancellationToken cancellationToken)
    {
        if (firstListed is not { } first || first > filter.Filter.To!.Value) return ([], []);
        var fromUtc = dayRows.Utc(first > filter.Filter.From!.Value ? first : filter.Filter.From.Value, filter.Filter.To.Value).From;
        var listed = ApplyListings(db.ListedReports.AsNoTracking(), filter).Where(l => l.ListedAt >= fromUtc);
        var decided = ReviewExplorer.Apply(db.Decisions.AsNoTracking(), filter, withOutcome: false).Where(d => d.DecidedAt >= fromUtc);
        var listings = await listed.Select(l => new ListingFact(l.PatientId, l.ReportId, l.ItemCode, l.ListedAt, l.Recognisable)).ToListAsync(cancellationToken);
        var pairs = listed.Select(l => new { l.PatientId, l.ReportId }).Union(decided.Select(d => new { d.PatientId, d.ReportId }));
        var all = await (from p in pairs
                join d in db.Decisions on new { p.PatientId, p.ReportId } equals new { d.PatientId, d.ReportId }
                select new { d.PatientId, d.ReportId, d.DecidedAt, d.Id, d.Choice })
            .ToListAsync(cancellationToken);
        var latest = all.GroupBy(d => (d.PatientId, d.ReportId))
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).Last().Choice);
        return (listings, latest);
    }

    private static IQueryable<ListedReport> ApplyListings(IQueryable<ListedReport> q, ResolvedFilter filter)
    {
        var f = filter.Filter;
        q = q.Where(l => l.ListedAt >= filter.FromUtc && l.ListedAt < filter.ToUtc);
        if (f.Department is { } department) q = q.Where(l => l.DepartmentCode == department);
        if (f.Doctor is { } doctor) q = q.Where(l => l.DoctorId == doctor);
        if (f.Setting is { } setting) q = q.Where(l => l.Setting == setting);
        if (f.Item is { } item) q = q.Where(l => l.ItemCode == item);
        if (f.Institution is { } institution) q = q.Where(l => l.Institution == institution);
        return q;
    }

    /// <summary>The hospital-wide figures from the pre-computed days, and the rows of the days that have none (today,
    /// changed days), all read in one snapshot; null when too many days are still to compute (the rows are read instead).</summary>
    private async Task<ReviewSummary?> FromPrecomputedAsync(ResolvedFilter filter, Func<string, string, string> label, CriticalValueSummary critical,
        CancellationToken cancellationToken)
    {
        var (from, to) = (filter.Filter.From!.Value, filter.Filter.To!.Value);
        var offsetMinutes = (int)options.Value.UtcOffset.TotalMinutes;
        var today = dayRows.LocalDay(time.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var snapshot = await db.Database.BeginTransactionAsync(
            db.Database.IsNpgsql() ? System.Data.IsolationLevel.RepeatableRead : System.Data.IsolationLevel.Serializable, cancellationToken);

        var firstMonth = new DateOnly(from.Year, from.Month, 1);
        var periods = await db.ReviewPeriods.AsNoTracking()
            .Where(p => p.Start >= firstMonth && p.Start <= to && p.OffsetMinutes == offsetMinutes).ToListAsync(cancellationToken);
        var changed = (await db.ReviewChangedDays.AsNoTracking().Where(c => c.Day >= firstMonth && c.Day <= to).Select(c => c.Day).Distinct()
            .ToListAsync(cancellationToken)).ToHashSet();
        var days = periods.Where(p => p.Grain == ReviewPrecomputer.Day && p.Start < today && !changed.Contains(p.Start)).ToDictionary(p => p.Start, p => p.ComputedAt);
        var clean = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(days.ContainsKey).ToHashSet();
        var fromRows = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(d => !clean.Contains(d)).ToList();
        if (fromRows.Count > options.Value.MaxRowDays) return null;

        // Whole months inside the range whose sum is newer than every one of their (clean) days.
        var months = periods.Where(p => p.Grain == ReviewPrecomputer.Month && p.Start >= from && p.Start.AddMonths(1).AddDays(-1) <= to)
            .Where(p =>
            {
                var end = p.Start.AddMonths(1).AddDays(-1);
                var monthDays = Enumerable.Range(0, end.DayNumber - p.Start.DayNumber + 1).Select(p.Start.AddDays).ToList();
                return monthDays.All(clean.Contains) && monthDays.All(d => days[d] <= p.ComputedAt);
            })
            .Select(p => p.Start).ToHashSet();
        var byMonth = months.ToList();
        var (minDay, maxDay) = (clean.Count > 0 ? clean.Min() : from, clean.Count > 0 ? clean.Max() : from);

        var facts = new List<FactRow>();
        var hospital = await db.ReviewFacts.AsNoTracking()
            .Where(f => f.Day >= minDay && f.Day <= maxDay && f.Dim == FactDims.Hospital)
            .Select(f => new FactRow(f.Day, f.Dim, f.Key, f.Measure, f.Link, f.Value)).ToListAsync(cancellationToken);
        facts.AddRange(hospital.Where(f => clean.Contains(f.Day)));
        facts.AddRange(await db.ReviewMonthFacts.AsNoTracking().Where(f => byMonth.Contains(f.Month))
            .GroupBy(f => new { f.Dim, f.Key, f.Measure, f.Link })
            .Select(g => new FactRow(from, g.Key.Dim, g.Key.Key, g.Key.Measure, g.Key.Link, g.Sum(f => f.Value))).ToListAsync(cancellationToken));
        var dayGroups = clean.Where(d => !months.Contains(new DateOnly(d.Year, d.Month, 1))).ToList();
        foreach (var (start, end) in Runs(dayGroups))
        {
            facts.AddRange(await db.ReviewFacts.AsNoTracking()
                .Where(f => f.Day >= start && f.Day <= end && f.Dim != FactDims.Hospital)
                .GroupBy(f => new { f.Dim, f.Key, f.Measure, f.Link })
                .Select(g => new FactRow(start, g.Key.Dim, g.Key.Key, g.Key.Measure, g.Key.Link, g.Sum(f => f.Value))).ToListAsync(cancellationToken));
        }
        foreach (var (start, end) in Runs(fromRows)) facts.AddRange(await dayRows.BuildAsync(db, start, end, cancellationToken));
        var firstListed = await dayRows.FirstListedDayAsync(db, cancellationToken);
        await snapshot.CommitAsync(cancellationToken);

        var figures = ReviewFigures.Compute(facts, from, to, firstListed, label);
        return new ReviewSummary(
            figures.RecognitionRate, figures.DialogRate, figures.Decisions, figures.DialogRate.Denominator - figures.DialogRate.Numerator,
            figures.DeclineRateByItem, figures.DeclineRateByDoctor, figures.DeclineRateByDepartment, figures.DeclinesByReason,
            figures.NotChecked, figures.Reconciled, new Ratio(figures.NotChecked, figures.Checks),
            figures.Institutions, figures.CostAvoided, figures.Weekly, figures.Monthly, critical)
        {
            ApproximateUntil = figures.ApproximateUntil,
            PrecomputedAt = clean.Count > 0 ? clean.Min(d => days[d]) : null,
            PrecomputedDays = clean.Count,
        };
    }

    /// <summary>Runs of consecutive days.</summary>
    private static IEnumerable<(DateOnly From, DateOnly To)> Runs(IEnumerable<DateOnly> days)
    {
        DateOnly? start = null, last = null;
        foreach (var d in days.Order())
        {
            if (start is null) (start, last) = (d, d);
            else if (d == last!.Value.AddDays(1)) last = d;
            else
            {
                yield return (start.Value, last!.Value);
                (start, last) = (d, d);
            }
        }
        if (start is not null) yield return (start.Value, last!.Value);
    }

    /// <summary>Labels of the groups: item names from the catalogue, department and doctor names from the (briefly
    /// cached) directories — reading them for every row costs more than the figures.</summary>
    private async Task<Func<string, string, string>> LabelsAsync(CancellationToken cancellationToken)
    {
        var departments = (await explorer.DepartmentsAsync(cancellationToken)).ToDictionary(d => d.Code, d => d.Name);
        var doctors = (await explorer.DoctorsAsync(null, cancellationToken)).ToDictionary(d => d.Code, d => d.Name);
        return (dim, key) =>
        {
            switch (dim)
            {
                case FactDims.Item:
                    return catalogue.Find(key)?.Name ?? key;
                case FactDims.Department:
                    return departments.GetValueOrDefault(key, key);
                case FactDims.Doctor:
                    var parts = key.Split('|');
                    var department = parts.Length > 1 ? parts[1] : "";
                    return $"{doctors.GetValueOrDefault(parts[0], parts[0])} · {departments.GetValueOrDefault(department, department)}";
                default:
                    return key;
            }
        };
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
            .Select(a => new AlertFact(a.Id, a.DepartmentCode, a.ReportedAt, a.NotifiedAt, a.AcknowledgedAt, a.HandledAt, a.EscalationLevel, a.Specimen, a.Tier))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One row per local month of the filter (from the rows): the monthly summary export.</summary>
    public async Task<IReadOnlyList<MonthlySummaryRow>> MonthlyAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        var decisions = await DecisionFactsAsync(filter, cancellationToken);
        var notChecked = await explorer.NotCheckedFactsAsync(filter, cancellationToken);
        var alerts = await AlertFactsAsync(filter, cancellationToken);
        var offset = options.Value.UtcOffset;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firstListed = await dayRows.FirstListedDayAsync(db, cancellationToken);
        var (listings, latest) = await ListingsAsync(db, filter, firstListed, cancellationToken);
        string Month(DateTime utc) => (utc + offset).ToString("yyyy-MM");
        var months = decisions.Select(d => Month(d.DecidedAt)).Concat(notChecked.Select(c => Month(c.CreatedAt)))
            .Concat(listings.Select(l => Month(l.ListedAt))).Concat(alerts.Select(a => Month(a.ReportedAt))).Distinct().Order(StringComparer.Ordinal);
        return months.Select(m =>
        {
            var start = DateOnly.ParseExact(m + "-01", "yyyy-MM-dd");
            var (from, to) = (Max(start, filter.Filter.From!.Value), Min(start.AddMonths(1).AddDays(-1), filter.Filter.To!.Value));
            var ds = decisions.Where(d => Month(d.DecidedAt) == m).ToList();
            var nc = notChecked.Where(c => Month(c.CreatedAt) == m).ToList();
            var cv = ReviewMetrics.CriticalValues(alerts.Where(a => Month(a.ReportedAt) == m).ToList(), options.Value.LimitOf);
            var (goal, approximateUntil) = ReviewMetrics.RecognitionRate(from, to, firstListed, offset, listings.Where(l => Month(l.ListedAt) == m).ToList(), ds,
                p => latest.GetValueOrDefault(p), code => catalogue.Find(code)?.ValidityDays);
            var dialog = ReviewMetrics.DialogRate(ds);
            return new MonthlySummaryRow
            {
                Month = m, Decisions = ds.Count, Recognised = dialog.Numerator, Declined = ds.Count - dialog.Numerator,
                DialogRate = Percent(dialog), RecognitionRateNumerator = goal.Numerator, RecognitionRateDenominator = goal.Denominator,
                RecognitionRate = Percent(goal), RecognitionRateBasis = approximateUntil is null ? "国家定义" : $"近似（{approximateUntil:yyyy-MM-dd} 前未记录平台列出的报告）",
                NotChecked = nc.Count, Reconciled = nc.Count(c => c.RecheckedAt is not null),
                CostAvoided = ReviewMetrics.CostAvoided(ds, code => catalogue.Find(code)?.Price),
                CriticalValues = cv.Specimens, NotificationRate = Percent(cv.NotificationRate), TimelyRate = Percent(cv.TimelyRate), Escalated = cv.Escalated,
            };
        }).ToList();
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static string Percent(Ratio r) => r.Value is { } v ? (v * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";
}
