using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

/// <summary>The fields of one decision the figures need.</summary>
public sealed record DecisionFact(
    long Id, DateTime DecidedAt, string Choice, string ReasonCodes, string ItemCode, string ItemName, string DoctorId, string DoctorName,
    string DepartmentCode, string DepartmentName, string PatientId, string ReportId, string Institution, DateTime ReportDate);

/// <summary>An order check that could not be checked at order time; <see cref="RecheckedAt"/> when reconciled later.</summary>
public sealed record NotCheckedFact(string CheckId, DateTime CreatedAt, DateTime? RecheckedAt, string Status);

/// <summary>A critical value with the times of its steps: notified = routed to the accountable clinician.</summary>
public sealed record AlertFact(long Id, string DepartmentCode, DateTime ReportedAt, DateTime? NotifiedAt, DateTime? AcknowledgedAt, DateTime? HandledAt, int EscalationLevel);

/// <summary>A ratio with what it counts: never a bare percentage.</summary>
public sealed record Ratio(int Numerator, int Denominator)
{
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;
}

public sealed record GroupRate(string Key, string Label, Ratio Rate);

public sealed record CountByKey(string Key, string Label, int Count);

public sealed record TrendPoint(string Period, DateOnly Start, int Decisions, int Recognised, int Declined, int NotChecked);

public sealed record Percentiles(int Count, TimeSpan? Median, TimeSpan? P90);

public sealed record DepartmentTimeliness(string DepartmentCode, int Alerts, Ratio NotifiedInTime, TimeSpan? MedianToAcknowledge, int Escalated);

public sealed record CriticalValueSummary(
    int Alerts, Percentiles ToNotified, Percentiles ToAcknowledged, Percentiles ToHandled, Ratio NotifiedInTime,
    int Escalated, int EscalatedToMedicalAffairs, IReadOnlyList<DepartmentTimeliness> Departments);

public sealed record InstitutionUse(string Institution, int Recognised);

/// <summary>Every figure of the dashboard for one filter.</summary>
public sealed record ReviewSummary(
    Ratio RecognitionRate, Ratio DialogRate, int Decisions, int Declines,
    IReadOnlyList<GroupRate> DeclineRateByItem, IReadOnlyList<GroupRate> DeclineRateByDoctor, IReadOnlyList<GroupRate> DeclineRateByDepartment,
    IReadOnlyList<CountByKey> DeclinesByReason, int NotChecked, int NotCheckedReconciled, Ratio? NotCheckedShare,
    IReadOnlyList<InstitutionUse> Institutions, decimal CostAvoided, IReadOnlyList<TrendPoint> Weekly, IReadOnlyList<TrendPoint> Monthly,
    CriticalValueSummary CriticalValues);

/// <summary>The rate definitions (docs/review-definitions.md), as pure functions over facts so that each can be checked
/// against hand-computed fixtures.</summary>
public static class ReviewMetrics
{
    /// <summary>National goal 10, as far as the portal can see it. Numerator: distinct (patient, report) whose latest
    /// decision in the period is 互认. Denominator: distinct (patient, report) matched against an order in the period whose
    /// report was still valid at decision time (catalogue validity). A later decision on the same pair replaces an earlier
    /// one; a report matched twice for one patient counts once; not-checked events match no report and count in neither.</summary>
    public static Ratio RecognitionRate(IEnumerable<DecisionFact> decisions, Func<string, int?> validityDays)
    {
        var latest = LatestPerPair(decisions.Where(d => validityDays(d.ItemCode) is not { } days || d.DecidedAt <= d.ReportDate.AddDays(days)));
        return new Ratio(latest.Count(d => d.Choice == DecisionChoices.Recognise), latest.Count);
    }

    /// <summary>The dialog measure: 互认 ÷ (互认 + 不互认) over every forced decision in the period (each decision counts,
    /// as the alert-override literature counts each firing).</summary>
    public static Ratio DialogRate(IReadOnlyCollection<DecisionFact> decisions) =>
        new(decisions.Count(d => d.Choice == DecisionChoices.Recognise), decisions.Count);

    /// <summary>Decline (override) rate per group: 不互认 ÷ decisions of the group, highest first (ties: more decisions first).</summary>
    public static IReadOnlyList<GroupRate> DeclineRateBy(IEnumerable<DecisionFact> decisions, Func<DecisionFact, string> key,
        Func<DecisionFact, string> label, int top = 10) =>
        decisions.GroupBy(key)
            .Select(g => new GroupRate(g.Key, label(g.First()), new Ratio(g.Count(d => d.Choice == DecisionChoices.Decline), g.Count())))
            .OrderByDescending(r => r.Rate.Value).ThenByDescending(r => r.Rate.Denominator).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(top)
            .ToList();

    /// <summary>Declines per coded reason; a decline with two reasons counts once under each.</summary>
    public static IReadOnlyList<CountByKey> DeclinesByReason(IEnumerable<DecisionFact> decisions)
    {
        var counts = DeclineReasons.All.ToDictionary(r => r, _ => 0);
        foreach (var d in decisions.Where(d => d.Choice == DecisionChoices.Decline))
        {
            foreach (var code in d.ReasonCodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct())
                if (counts.ContainsKey(code)) counts[code]++;
        }
        return DeclineReasons.All.Select(r => new CountByKey(r, r, counts[r])).ToList();
    }

    /// <summary>Recognised reports per producing institution (distinct patient-report pairs, latest decision 互认).</summary>
    public static IReadOnlyList<InstitutionUse> Institutions(IEnumerable<DecisionFact> decisions) => InstitutionsOfLatest(LatestPerPair(decisions));

    /// <summary><see cref="Institutions"/> over the result of <see cref="LatestPerPair"/> (computed once per summary).</summary>
    public static IReadOnlyList<InstitutionUse> InstitutionsOfLatest(IEnumerable<DecisionFact> latest) =>
        latest.Where(d => d.Choice == DecisionChoices.Recognise).GroupBy(d => d.Institution)
            .Select(g => new InstitutionUse(g.Key, g.Count()))
            .OrderByDescending(i => i.Recognised).ThenBy(i => i.Institution, StringComparer.Ordinal)
            .ToList();

    /// <summary>Catalogue price × recognised reports (distinct patient-report pairs); items missing from the catalogue add 0.</summary>
    public static decimal CostAvoided(IEnumerable<DecisionFact> decisions, Func<string, decimal?> price) => CostAvoidedOfLatest(LatestPerPair(decisions), price);

    /// <summary><see cref="CostAvoided"/> over the result of <see cref="LatestPerPair"/>.</summary>
    public static decimal CostAvoidedOfLatest(IEnumerable<DecisionFact> latest, Func<string, decimal?> price) =>
        latest.Where(d => d.Choice == DecisionChoices.Recognise).Sum(d => price(d.ItemCode) ?? 0m);

    /// <summary>Trend buckets: local weeks (Monday first) or local months.</summary>
    public static IReadOnlyList<TrendPoint> Trend(IEnumerable<DecisionFact> decisions, IEnumerable<NotCheckedFact> notChecked,
        TimeSpan utcOffset, bool monthly)
    {
        DateOnly Bucket(DateTime utc)
        {
            var local = DateOnly.FromDateTime(utc + utcOffset);
            return monthly ? new DateOnly(local.Year, local.Month, 1) : local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        }
        var points = new SortedDictionary<DateOnly, (int Decisions, int Recognised, int Declined, int NotChecked)>();
        foreach (var d in decisions)
        {
            var b = Bucket(d.DecidedAt);
            var p = points.GetValueOrDefault(b);
            points[b] = (p.Decisions + 1, p.Recognised + (d.Choice == DecisionChoices.Recognise ? 1 : 0),
                p.Declined + (d.Choice == DecisionChoices.Decline ? 1 : 0), p.NotChecked);
        }
        foreach (var c in notChecked)
        {
            var b = Bucket(c.CreatedAt);
            var p = points.GetValueOrDefault(b);
            points[b] = p with { NotChecked = p.NotChecked + 1 };
        }
        return points.Select(p => new TrendPoint(monthly ? p.Key.ToString("yyyy-MM") : p.Key.ToString("yyyy-MM-dd"), p.Key,
            p.Value.Decisions, p.Value.Recognised, p.Value.Declined, p.Value.NotChecked)).ToList();
    }

    /// <summary>Median (mean of the two middle values for an even count) and 90th percentile (nearest rank).</summary>
    public static Percentiles Spread(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.OrderBy(d => d).ToList();
        if (sorted.Count == 0) return new Percentiles(0, null, null);
        var n = sorted.Count;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        var p90 = sorted[(int)Math.Ceiling(0.9 * n) - 1];
        return new Percentiles(n, median, p90);
    }

    /// <summary>Critical-value timeliness. Intervals start at the report; an alert not yet notified counts in the
    /// denominator of "notified in time" (it had to be notified) and not in the numerator.</summary>
    public static CriticalValueSummary CriticalValues(IReadOnlyCollection<AlertFact> alerts, TimeSpan notifyLimit)
    {
        static bool InTime(AlertFact a, TimeSpan limit) => a.NotifiedAt is { } n && n - a.ReportedAt <= limit;
        var departments = alerts.GroupBy(a => a.DepartmentCode)
            .Select(g => new DepartmentTimeliness(g.Key, g.Count(), new Ratio(g.Count(a => InTime(a, notifyLimit)), g.Count()),
                Spread(g.Where(a => a.AcknowledgedAt is not null).Select(a => a.AcknowledgedAt!.Value - a.ReportedAt)).Median,
                g.Count(a => a.EscalationLevel > 0)))
            .OrderBy(d => d.NotifiedInTime.Value).ThenBy(d => d.DepartmentCode, StringComparer.Ordinal)
            .ToList();
        return new CriticalValueSummary(
            alerts.Count,
            Spread(alerts.Where(a => a.NotifiedAt is not null).Select(a => a.NotifiedAt!.Value - a.ReportedAt)),
            Spread(alerts.Where(a => a.AcknowledgedAt is not null).Select(a => a.AcknowledgedAt!.Value - a.ReportedAt)),
            Spread(alerts.Where(a => a.HandledAt is not null).Select(a => a.HandledAt!.Value - a.ReportedAt)),
            new Ratio(alerts.Count(a => InTime(a, notifyLimit)), alerts.Count),
            alerts.Count(a => a.EscalationLevel > 0),
            alerts.Count(a => a.EscalationLevel > 1),
            departments);
    }

    /// <summary>The latest decision (then the highest id) of each (patient, report) pair, in one pass.</summary>
    public static IReadOnlyCollection<DecisionFact> LatestPerPair(IEnumerable<DecisionFact> decisions)
    {
        var latest = new Dictionary<(string, string), DecisionFact>();
        foreach (var d in decisions)
        {
            var key = (d.PatientId, d.ReportId);
            if (!latest.TryGetValue(key, out var seen) || d.DecidedAt > seen.DecidedAt || (d.DecidedAt == seen.DecidedAt && d.Id > seen.Id))
                latest[key] = d;
        }
        return latest.Values;
    }
}
