using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
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
internal sealed class ReviewSummaryService(
    IDbContextFactory<PortalDbContext> dbFactory, ReviewExplorer explorer, ReviewDayRows dayRows, RecognitionItemCatalogue catalogue,
    IOptions<ReviewOptions> options, TimeProvider time, IMemoryCache cache, ReviewDirectory directory, FreshReads<ReviewSummary> fresh)
{
    /// <summary>How long the sums of a range's pre-computed days stay in memory (they are keyed by what was computed
    /// when, so a recomputed or changed day is never served from here).</summary>
    private static readonly TimeSpan ClosedPartLifetime = TimeSpan.FromMinutes(10);

    public async Task<ReviewSummary> SummarizeAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        var (label, names) = await LabelsAsync(cancellationToken);
        // Officers opening the same figures at once share one computation that started after each of them asked (so each
        // sees every decision saved before): while decisions are written, every request would otherwise compute today's
        // part (or a department's rows) again, all at once. The outcome and reason filters do not change the figures.
        var f = filter.Filter;
        var key = string.Join('\u001f', f.From, f.To, f.Department, f.Doctor, f.Setting, f.Item, f.Institution, names.Ticks);
        return await fresh.ReadAsync(key, () => ComputeAsync(filter, label, names), cancellationToken);
    }

    private async Task<ReviewSummary> ComputeAsync(ResolvedFilter filter, Func<string, string, string> label, DateTimeOffset names)
    {
        if (IsHospitalWide(filter.Filter) && await FromPrecomputedAsync(filter, label, names, CancellationToken.None) is { } precomputed)
            return precomputed;
        var critical = ReviewMetrics.CriticalValues(await AlertFactsAsync(filter, CancellationToken.None), options.Value.LimitOf);
        return await FromRowsAsync(filter, label, critical, CancellationToken.None);
    }

    /// <summary>The same figures, always from the rows (the check of the pre-computed path, and filtered views).</summary>
    public async Task<ReviewSummary> FromRowsAsync(ResolvedFilter filter, CancellationToken cancellationToken) =>
        await FromRowsAsync(filter, (await LabelsAsync(cancellationToken)).Label,
            ReviewMetrics.CriticalValues(await AlertFactsAsync(filter, cancellationToken), options.Value.LimitOf), cancellationToken);

    private static bool IsHospitalWide(ReviewFilter f) =>
        f.Department is null && f.Doctor is null && f.Setting is null && f.Item is null && f.Institution is null;

    private async Task<ReviewSummary> FromRowsAsync(ResolvedFilter filter, Func<string, string, string> label, CriticalValueSummary critical,
        CancellationToken cancellationToken)
    {
        // The decisions and goal 10's listings dominate; they and the other reads (each on its own context) run side by
        // side (on threads of their own: SQLite's "async" reads run on the caller's).
        var decisionsTask = Task.Run(() => DecisionFactsAsync(filter, cancellationToken), cancellationToken);
        var listingsTask = Task.Run(() => RateInputsAsync(filter, cancellationToken), cancellationToken);
        var notChecked = await explorer.NotCheckedFactsAsync(filter, cancellationToken);
        var f = filter.Filter;
        Ratio? notCheckedShare = null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // An order line has no producing institution: with that filter there is no share to give.
            if (f.Institution is null)
                notCheckedShare = new Ratio(notChecked.Count, await ReviewExplorer.ApplyChecks(OrderQueries.Checks(db), filter).CountAsync(cancellationToken));
        }
        var decisions = await decisionsTask;
        var (firstListed, listings, latest) = await listingsTask;
        var (rate, approximateUntil) = ReviewMetrics.RecognitionRate(f.From!.Value, f.To!.Value, firstListed, options.Value.UtcOffset,
            listings, decisions, p => latest.GetValueOrDefault(p), code => catalogue.Find(code)?.ValidityDays);
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

    /// <summary>What goal 10 needs from the rows besides the filter's decisions: the first listed day, the filter's
    /// listings, and the latest decision of each pair.</summary>
    private async Task<(DateOnly? FirstListed, List<ListingFact> Listings, Dictionary<(string, string), string> Latest)> RateInputsAsync(
        ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firstListed = await dayRows.FirstListedDayAsync(db, cancellationToken);
        var (listings, latest) = await ListingsAsync(db, filter, firstListed, cancellationToken);
        return (firstListed, listings, latest);
    }

    /// <summary>The filter's listings from the first listed day on, and the latest decision (at any time) of every pair
    /// listed or decided in that part of the range.</summary>
    private async Task<(List<ListingFact> Listings, Dictionary<(string, string), string> Latest)> ListingsAsync(PortalDbContext db, ResolvedFilter filter,
        DateOnly? firstListed, CancellationToken cancellationToken)
    {
        if (firstListed is not { } first || first > filter.Filter.To!.Value) return ([], []);
        var fromUtc = dayRows.Utc(first > filter.Filter.From!.Value ? first : filter.Filter.From.Value, filter.Filter.To.Value).From;
        var listed = ApplyListings(ListingQueries.Listed(db), filter).Where(l => l.ListedAt >= fromUtc);
        var decided = ReviewExplorer.Apply(OrderQueries.Decisions(db), filter, withOutcome: false).Where(d => d.DecidedAt >= fromUtc);
        var listings = await listed.Select(l => new ListingFact(l.PatientId, l.ReportId, l.ItemCode, l.ListedAt, l.Recognisable)).ToListAsync(cancellationToken);
        var pairs = listed.Select(l => new { l.PatientId, l.ReportId }).Union(decided.Select(d => new { d.PatientId, d.ReportId }));
        var all = await (from p in pairs
                join d in OrderQueries.Decisions(db) on new { p.PatientId, p.ReportId } equals new { d.PatientId, d.ReportId }
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
    /// changed days), all read in one snapshot; null when too many days are still to compute (the rows are read instead).
    /// The pre-computed part is summed in the database, and kept in memory under the days' computation times.</summary>
    private async Task<ReviewSummary?> FromPrecomputedAsync(ResolvedFilter filter, Func<string, string, string> label, DateTimeOffset names,
        CancellationToken cancellationToken)
    {
        var (from, to) = (filter.Filter.From!.Value, filter.Filter.To!.Value);
        var offsetMinutes = (int)options.Value.UtcOffset.TotalMinutes;
        var today = dayRows.LocalDay(time.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken);

        var firstMonth = new DateOnly(from.Year, from.Month, 1);
        var periods = await db.ReviewPeriods.AsNoTracking()
            .Where(p => p.Start >= firstMonth && p.Start <= to && p.OffsetMinutes == offsetMinutes).ToListAsync(cancellationToken);
        var changed = (await db.ReviewChangedDays.AsNoTracking().Where(c => c.Day >= firstMonth && c.Day <= to).Select(c => c.Day).Distinct()
            .ToListAsync(cancellationToken)).ToHashSet();
        var days = periods.Where(p => p.Grain == ReviewPrecomputer.Day && p.Start < today && !changed.Contains(p.Start)).ToDictionary(p => p.Start, p => p.ComputedAt);
        var all = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        var clean = all.Where(days.ContainsKey).ToList();
        var fromRows = all.Where(d => !days.ContainsKey(d)).ToList();
        if (fromRows.Count > options.Value.MaxRowDays) return null;
        // Whole months inside the range whose sum is newer than every one of their (clean) days.
        var months = periods.Where(p => p.Grain == ReviewPrecomputer.Month && p.Start >= from && p.Start.AddMonths(1).AddDays(-1) <= to)
            .Where(p => Enumerable.Range(0, p.Start.AddMonths(1).DayNumber - p.Start.DayNumber).Select(p.Start.AddDays)
                .All(d => days.TryGetValue(d, out var at) && at <= p.ComputedAt))
            .ToDictionary(p => p.Start, p => p.ComputedAt);
        var firstListed = await dayRows.FirstListedDayAsync(db, cancellationToken);

        var signature = string.Join(",", clean.Select(d => days[d].Ticks)) + "|" + string.Join(",", months.OrderBy(m => m.Key).Select(m => $"{m.Key}:{m.Value.Ticks}"));
        var key = $"review.closed:{from}:{to}:{firstListed}:{offsetMinutes}:{Hash(signature)}";

        // The whole summary is kept under everything it depends on: the pre-computed days (when computed), and the
        // versions of the days read from the rows (their rows only grow) and of the change marks. An unchanged state
        // is answered from memory; any change computes the rows' part again (and the pre-computed part only if it moved).
        var runs = Runs(fromRows).ToList();
        var versions = new List<string>();
        foreach (var (start, end) in runs) versions.Add($"{start}-{end}:{await dayRows.VersionAsync(db, start, end, cancellationToken)}");
        var marks = await db.ReviewChangedDays.CountAsync(c => c.Day >= from && c.Day <= to, cancellationToken);
        var summaryKey = $"review.summary:{key}:{string.Join(";", versions)}:{marks}:{names.Ticks}";
        if (cache.TryGetValue(summaryKey, out ReviewSummary? known) && known is not null)
        {
            await snapshot.CommitAsync(cancellationToken);
            return known;
        }
        var closed = clean.Count == 0 ? new ClosedPart([], [])
            : (await cache.GetOrCreateAsync(key, async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = ClosedPartLifetime;
                return await ClosedPartAsync(db, filter, clean, months.Keys.ToList(), firstListed, cancellationToken);
            }))!;

        var facts = new List<FactRow>(closed.Facts);
        var alerts = new List<AlertFact>(closed.Alerts);
        foreach (var (start, end) in runs)
        {
            facts.AddRange(await dayRows.BuildAsync(db, start, end, cancellationToken));
            var (startUtc, endUtc) = dayRows.Utc(start, end);
            alerts.AddRange(await AlertFactsAsync(db, startUtc, endUtc, null, cancellationToken));
        }
        await snapshot.CommitAsync(cancellationToken);

        var figures = ReviewFigures.Compute(facts, from, to, firstListed, label);
        var summary = new ReviewSummary(
            figures.RecognitionRate, figures.DialogRate, figures.Decisions, figures.DialogRate.Denominator - figures.DialogRate.Numerator,
            figures.DeclineRateByItem, figures.DeclineRateByDoctor, figures.DeclineRateByDepartment, figures.DeclinesByReason,
            figures.NotChecked, figures.Reconciled, new Ratio(figures.NotChecked, figures.Checks),
            figures.Institutions, figures.CostAvoided, figures.Weekly, figures.Monthly,
            ReviewMetrics.CriticalValues(alerts, options.Value.LimitOf))
        {
            ApproximateUntil = figures.ApproximateUntil,
            PrecomputedAt = clean.Count > 0 ? clean.Min(d => days[d]) : null,
            PrecomputedDays = clean.Count,
        };
        cache.Set(summaryKey, summary, ClosedPartLifetime);
        return summary;
    }

    /// <summary>The pre-computed days' facts, summed in the database, and their critical values.</summary>
    private sealed record ClosedPart(IReadOnlyList<FactRow> Facts, IReadOnlyList<AlertFact> Alerts);

    /// <summary>Sums the clean days' facts in the database: the hospital's per day (the trends), groups from the month
    /// sums where a whole month is clean, and the link measures already reduced to what counts in [from, to] (each
    /// returned with a day and link that <see cref="ReviewFigures"/> counts).</summary>
    private async Task<ClosedPart> ClosedPartAsync(PortalDbContext db, ResolvedFilter filter, List<DateOnly> clean, List<DateOnly> months,
        DateOnly? firstListed, CancellationToken cancellationToken)
    {
        var (from, to) = (filter.Filter.From!.Value, filter.Filter.To!.Value);
        var exactFrom = firstListed is { } f && f > from ? f : from;
        var approximateUntil = firstListed is { } s && s <= to ? s.AddDays(-1) : to;
        string[] linked = [FactMeasures.Listed, FactMeasures.ListedRecognised, FactMeasures.PairsRecognised, FactMeasures.CostFen,
            FactMeasures.ApproxPairs, FactMeasures.ApproxRecognised];
        var facts = new List<FactRow>();

        var hospital = db.ReviewFacts.AsNoTracking().Where(x => x.Dim == FactDims.Hospital && clean.Contains(x.Day));
        facts.AddRange(await hospital.Where(x => !linked.Contains(x.Measure))
            .Select(x => new FactRow(x.Day, x.Dim, x.Key, x.Measure, x.Link, x.Value)).ToListAsync(cancellationToken));
        var listed = await hospital.Where(x => (x.Measure == FactMeasures.Listed || x.Measure == FactMeasures.ListedRecognised) && x.Day >= exactFrom && x.Link < exactFrom)
            .GroupBy(x => x.Measure).Select(g => new { Measure = g.Key, Value = g.Sum(x => x.Value) }).ToListAsync(cancellationToken);
        facts.AddRange(listed.Select(x => new FactRow(exactFrom, FactDims.Hospital, "", x.Measure, FactMeasures.NoLink, x.Value)));
        var approximate = await hospital.Where(x => (x.Measure == FactMeasures.ApproxPairs || x.Measure == FactMeasures.ApproxRecognised) && x.Day <= approximateUntil && x.Link > approximateUntil)
            .GroupBy(x => x.Measure).Select(g => new { Measure = g.Key, Value = g.Sum(x => x.Value) }).ToListAsync(cancellationToken);
        facts.AddRange(approximate.Select(x => new FactRow(from, FactDims.Hospital, "", x.Measure, FactMeasures.Never, x.Value)));
        var pairs = await hospital.Where(x => (x.Measure == FactMeasures.PairsRecognised || x.Measure == FactMeasures.CostFen) && x.Link > to)
            .GroupBy(x => x.Measure).Select(g => new { Measure = g.Key, Value = g.Sum(x => x.Value) }).ToListAsync(cancellationToken);
        facts.AddRange(pairs.Select(x => new FactRow(from, FactDims.Hospital, "", x.Measure, FactMeasures.Never, x.Value)));

        // Groups: month sums for whole clean months, day facts for the other clean days; institutions only where they count.
        var monthDays = clean.Where(d => months.Contains(new DateOnly(d.Year, d.Month, 1))).ToHashSet();
        var otherDays = clean.Where(d => !monthDays.Contains(d)).ToList();
        var groups = await db.ReviewMonthFacts.AsNoTracking().Where(x => months.Contains(x.Month) && (x.Dim != FactDims.Institution || x.Link > to))
            .GroupBy(x => new { x.Dim, x.Key, x.Measure }).Select(g => new { g.Key.Dim, g.Key.Key, g.Key.Measure, Value = g.Sum(x => x.Value) })
            .ToListAsync(cancellationToken);
        groups.AddRange(await db.ReviewFacts.AsNoTracking()
            .Where(x => x.Dim != FactDims.Hospital && otherDays.Contains(x.Day) && (x.Dim != FactDims.Institution || x.Link > to))
            .GroupBy(x => new { x.Dim, x.Key, x.Measure }).Select(g => new { g.Key.Dim, g.Key.Key, g.Key.Measure, Value = g.Sum(x => x.Value) })
            .ToListAsync(cancellationToken));
        facts.AddRange(groups.Select(x => new FactRow(from, x.Dim, x.Key, x.Measure, x.Dim == FactDims.Institution ? FactMeasures.Never : FactMeasures.NoLink, x.Value)));

        var cleanSet = clean.ToHashSet();
        var alerts = (await AlertFactsAsync(db, filter.FromUtc, filter.ToUtc, null, cancellationToken))
            .Where(a => cleanSet.Contains(dayRows.LocalDay(a.ReportedAt))).ToList();
        return new ClosedPart(facts, alerts);
    }

    private static string Hash(string value) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..32];

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
    private async Task<(Func<string, string, string> Label, DateTimeOffset ReadAt)> LabelsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await directory.GetAsync(cancellationToken);
        var departments = snapshot.Departments.ToDictionary(d => d.Code, d => d.Name);
        var doctors = snapshot.Doctors.ToDictionary(d => d.Code, d => d.Name);
        return ((dim, key) =>
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
        }, snapshot.ReadAt);
    }

    private async Task<List<DecisionFact>> DecisionFactsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ReviewExplorer.Apply(OrderQueries.Decisions(db), filter, withOutcome: false)
            .Select(d => new DecisionFact(d.Id, d.DecidedAt, d.Choice, d.ReasonCodes, d.ItemCode, "", d.DoctorId, "",
                d.DepartmentCode, "", d.PatientId, d.ReportId, d.ReportInstitution, d.ReportDate))
            .ToListAsync(cancellationToken);
    }

    private async Task<List<AlertFact>> AlertFactsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await AlertFactsAsync(db, filter.FromUtc, filter.ToUtc, filter.Filter.Department, cancellationToken);
    }

    private static async Task<List<AlertFact>> AlertFactsAsync(PortalDbContext db, DateTime fromUtc, DateTime toUtc, string? department,
        CancellationToken cancellationToken)
    {
        var alerts = AlertQueries.Timelines(db).Where(a => a.ReportedAt >= fromUtc && a.ReportedAt < toUtc);
        if (department is { } dep) alerts = alerts.Where(a => a.DepartmentCode == dep);
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
