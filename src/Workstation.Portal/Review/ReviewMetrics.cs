using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

/// <summary>The fields of one decision the figures need.</summary>
internal sealed record DecisionFact(
    long Id, DateTime DecidedAt, string Choice, string ReasonCodes, string ItemCode, string ItemName, string DoctorId, string DoctorName,
    string DepartmentCode, string DepartmentName, string PatientId, string ReportId, string Institution, DateTime ReportDate);

/// <summary>An order check that could not be checked at order time; <see cref="RecheckedAt"/> when reconciled later.</summary>
internal sealed record NotCheckedFact(string CheckId, DateTime CreatedAt, DateTime? RecheckedAt, string Status);

/// <summary>A critical value with the times of its steps: notified = routed to the accountable clinician (the portal
/// showed it), acknowledged = the clinical department received it (read-back confirmed).</summary>
/// <param name="Specimen">Repeat results of one specimen share this key (source + specimen number; the result's own
/// record id when the reporting system gives no specimen number): the national indicators count them once.</param>
/// <param name="Tier">critical | significant (CLSI GP47 tiers; each has its own time limit).</param>
internal sealed record AlertFact(long Id, string DepartmentCode, DateTime ReportedAt, DateTime? NotifiedAt, DateTime? AcknowledgedAt, DateTime? HandledAt,
    int EscalationLevel, string Specimen = "", string Tier = "critical");

/// <summary>A critical value counted once per specimen (<see cref="ReviewMetrics.Specimens"/>).</summary>
internal sealed record SpecimenFact(string Key, string DepartmentCode, string Tier, DateTime AppearedAt, DateTime? NotifiedAt, DateTime? ReceivedAt,
    DateTime? HandledAt, int EscalationLevel, int Results);

/// <summary>A ratio with what it counts: never a bare percentage.</summary>
public sealed record Ratio(int Numerator, int Denominator)
{
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;
}

public sealed record GroupRate(string Key, string Label, Ratio Rate);

public sealed record CountByKey(string Key, string Label, int Count);

public sealed record TrendPoint(string Period, DateOnly Start, int Decisions, int Recognised, int Declined, int NotChecked);

public sealed record Percentiles(int Count, TimeSpan? Median, TimeSpan? P90);

/// <summary>CL-14 and CL-15 of one department.</summary>
public sealed record DepartmentTimeliness(string DepartmentCode, int Specimens, Ratio NotificationRate, Ratio TimelyRate, TimeSpan? MedianToReceived, int Escalated);

/// <summary>The critical values of a period (docs/review-definitions.md): <paramref name="NotificationRate"/> is CL-14
/// 危急值通报率 and <paramref name="TimelyRate"/> CL-15 危急值通报及时率, both over specimens (repeats counted once).</summary>
public sealed record CriticalValueSummary(
    int Alerts, int Specimens, Ratio NotificationRate, Ratio TimelyRate, Percentiles ToNotified, Percentiles ToReceived, Percentiles ToHandled,
    int Escalated, int EscalatedToMedicalAffairs, IReadOnlyList<DepartmentTimeliness> Departments);

public sealed record InstitutionUse(string Institution, int Recognised);

/// <summary>Every figure of the dashboard for one filter.</summary>
internal sealed record ReviewSummary(
    Ratio RecognitionRate, Ratio DialogRate, int Decisions, int Declines,
    IReadOnlyList<GroupRate> DeclineRateByItem, IReadOnlyList<GroupRate> DeclineRateByDoctor, IReadOnlyList<GroupRate> DeclineRateByDepartment,
    IReadOnlyList<CountByKey> DeclinesByReason, int NotChecked, int NotCheckedReconciled, Ratio? NotCheckedShare,
    IReadOnlyList<InstitutionUse> Institutions, decimal CostAvoided, IReadOnlyList<TrendPoint> Weekly, IReadOnlyList<TrendPoint> Monthly,
    CriticalValueSummary CriticalValues)
{
    /// <summary>The last day of the range whose recognition rate is the approximation (before the portal stored what
    /// the platform listed); null when the whole range follows the national definition.</summary>
    public DateOnly? ApproximateUntil { get; init; }

    /// <summary>When the pre-computed days these figures used were computed (the oldest); null when every figure was
    /// read from the rows.</summary>
    public DateTime? PrecomputedAt { get; init; }

    /// <summary>How many days of the range came from pre-computed figures.</summary>
    public int PrecomputedDays { get; init; }
}

/// <summary>The rate definitions (docs/review-definitions.md), as pure functions over facts so that each can be checked
/// against hand-computed fixtures.</summary>
internal static class ReviewMetrics
{
    /// <summary>The approximation of goal 10 used for days before the portal stored what the platform listed.
    /// Numerator: distinct (patient, report) whose latest decision in the period is 互认. Denominator: distinct
    /// (patient, report) matched against an order in the period whose report was still valid at decision time (catalogue
    /// validity). It leaves out reports listed but never ordered, so it reads higher than the national figure.</summary>
    public static Ratio RecognitionRate(IEnumerable<DecisionFact> decisions, Func<string, int?> validityDays)
    {
        var latest = LatestPerPair(decisions.Where(d => ValidWhenDecided(d, validityDays)));
        return new Ratio(latest.Count(d => d.Choice == DecisionChoices.Recognise), latest.Count);
    }

    /// <summary>National goal 10 (国家医疗质量安全改进目标十). Denominator: distinct valid (patient, report) pairs the
    /// platform listed in the period (badge list or order check), within the catalogue; a report the doctor decided on
    /// counts as listed that day. Numerator: those whose latest decision (at any time) is 互认. Expired or revoked
    /// listings count in neither; a pair listed twice counts once.</summary>
    /// <param name="listings">Listings in the period.</param>
    /// <param name="decisions">Decisions in the period.</param>
    /// <param name="latestChoice">The latest decision's choice of a pair, at any time; null when never decided.</param>
    public static Ratio ListedRecognitionRate(IEnumerable<ListingFact> listings, IEnumerable<DecisionFact> decisions,
        Func<(string Patient, string Report), string?> latestChoice, Func<string, int?> validityDays)
    {
        var pairs = listings.Where(l => CountsAsListed(l, validityDays)).Select(l => (l.PatientId, l.ReportId))
            .Concat(decisions.Where(d => CountsAsListed(d, validityDays)).Select(d => (d.PatientId, d.ReportId)))
            .ToHashSet();
        return new Ratio(pairs.Count(p => latestChoice(p) == DecisionChoices.Recognise), pairs.Count);
    }

    /// <summary>Goal 10 over a range that may start before listings were stored (<paramref name="firstListedDay"/>):
    /// the approximation before that day, the national definition from it, added; and the last approximated day.</summary>
    public static (Ratio Rate, DateOnly? ApproximateUntil) RecognitionRate(DateOnly from, DateOnly to, DateOnly? firstListedDay, TimeSpan offset,
        IReadOnlyCollection<ListingFact> listings, IReadOnlyCollection<DecisionFact> decisions,
        Func<(string Patient, string Report), string?> latestChoice, Func<string, int?> validityDays)
    {
        DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc + offset);
        var exactFrom = firstListedDay is { } first && first > from ? first : from;
        var exact = firstListedDay is { } f && f <= to
            ? ListedRecognitionRate(listings.Where(l => Day(l.ListedAt) >= exactFrom), decisions.Where(d => Day(d.DecidedAt) >= exactFrom), latestChoice, validityDays)
            : new Ratio(0, 0);
        if (firstListedDay is { } start && start <= from) return (exact, null);
        var approximateUntil = firstListedDay is { } s && s <= to ? s.AddDays(-1) : to;
        var approximate = RecognitionRate(decisions.Where(d => Day(d.DecidedAt) <= approximateUntil), validityDays);
        return (new Ratio(exact.Numerator + approximate.Numerator, exact.Denominator + approximate.Denominator), approximateUntil);
    }

    /// <summary>A listing counts in goal 10 when the platform listed it as recognisable and its item is in the catalogue.</summary>
    public static bool CountsAsListed(ListingFact listing, Func<string, int?> validityDays) =>
        listing.Recognisable && validityDays(listing.ItemCode) is not null;

    /// <summary>A decision shows its report was listed (in the dialog) while valid, for an item of the catalogue.</summary>
    public static bool CountsAsListed(DecisionFact decision, Func<string, int?> validityDays) =>
        validityDays(decision.ItemCode) is { } days && decision.DecidedAt <= decision.ReportDate.AddDays(days);

    /// <summary>The report was still valid when decided (items unknown to the catalogue count as valid).</summary>
    public static bool ValidWhenDecided(DecisionFact decision, Func<string, int?> validityDays) =>
        validityDays(decision.ItemCode) is not { } days || decision.DecidedAt <= decision.ReportDate.AddDays(days);

    /// <summary>Decisions in the order "latest" is read in: time, then id.</summary>
    public static int DecisionOrder(DecisionFact a, DecisionFact b)
    {
        var byTime = a.DecidedAt.CompareTo(b.DecidedAt);
        return byTime != 0 ? byTime : a.Id.CompareTo(b.Id);
    }

    /// <summary>A doctor's group: the doctor within a department (a doctor working in two departments is listed in each).</summary>
    public static string DoctorKey(DecisionFact d) => d.DoctorId + "|" + d.DepartmentCode;

    /// <summary>The known reason codes of a decline, each once.</summary>
    public static IEnumerable<string> ReasonsOf(DecisionFact d) =>
        d.ReasonCodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Where(DeclineReasons.All.Contains);

    /// <summary>The dialog measure: 互认 ÷ (互认 + 不互认) over every forced decision in the period (each decision counts,
    /// as the alert-override literature counts each firing).</summary>
    public static Ratio DialogRate(IReadOnlyCollection<DecisionFact> decisions) =>
        new(decisions.Count(d => d.Choice == DecisionChoices.Recognise), decisions.Count);

    /// <summary>Decline (override) rate per group: 不互认 ÷ decisions of the group, highest first (ties: more decisions first).</summary>
    public static IReadOnlyList<GroupRate> DeclineRateBy(IEnumerable<DecisionFact> decisions, Func<DecisionFact, string> key,
        Func<DecisionFact, string> label, int top = 10) =>
        Rank(decisions.GroupBy(key)
            .Select(g => new GroupRate(g.Key, label(g.First()), new Ratio(g.Count(d => d.Choice == DecisionChoices.Decline), g.Count()))), top);

    /// <summary>The order of the decline-rate tables: highest rate first, then more decisions, then key and label.</summary>
    public static IReadOnlyList<GroupRate> Rank(IEnumerable<GroupRate> groups, int top) =>
        groups.OrderByDescending(r => r.Rate.Value).ThenByDescending(r => r.Rate.Denominator)
            .ThenBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Label, StringComparer.Ordinal)
            .Take(top)
            .ToList();

    /// <summary>Declines per coded reason; a decline with two reasons counts once under each.</summary>
    public static IReadOnlyList<CountByKey> DeclinesByReason(IEnumerable<DecisionFact> decisions)
    {
        var counts = DeclineReasons.All.ToDictionary(r => r, _ => 0);
        foreach (var d in decisions.Where(d => d.Choice == DecisionChoices.Decline))
        {
            foreach (var code in ReasonsOf(d)) counts[code]++;
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

    /// <summary>Critical values the national way (2025 clinical-laboratory indicators). A critical value counts once per
    /// specimen (repeat results of one specimen are one critical value), from its first appearance (the first report).
    /// It is notified when the clinical department received it (the first read-back confirmation of any of its results).
    /// CL-14 危急值通报率 = notified ÷ all that had to be notified; CL-15 危急值通报及时率 = notified within the limit of
    /// its tier ÷ all that had to be notified. Its tier is the most urgent of its results.</summary>
    public static CriticalValueSummary CriticalValues(IReadOnlyCollection<AlertFact> alerts, Func<string, TimeSpan> limitOfTier)
    {
        var specimens = Specimens(alerts);
        bool InTime(SpecimenFact s) => s.ReceivedAt is { } r && r - s.AppearedAt <= limitOfTier(s.Tier);
        var departments = specimens.GroupBy(s => s.DepartmentCode)
            .Select(g => new DepartmentTimeliness(g.Key, g.Count(), new Ratio(g.Count(s => s.ReceivedAt is not null), g.Count()),
                new Ratio(g.Count(InTime), g.Count()), Spread(g.Where(s => s.ReceivedAt is not null).Select(s => s.ReceivedAt!.Value - s.AppearedAt)).Median,
                g.Count(s => s.EscalationLevel > 0)))
            .OrderBy(d => d.TimelyRate.Value).ThenBy(d => d.DepartmentCode, StringComparer.Ordinal)
            .ToList();
        return new CriticalValueSummary(
            alerts.Count,
            specimens.Count,
            new Ratio(specimens.Count(s => s.ReceivedAt is not null), specimens.Count),
            new Ratio(specimens.Count(InTime), specimens.Count),
            Spread(specimens.Where(s => s.NotifiedAt is not null).Select(s => s.NotifiedAt!.Value - s.AppearedAt)),
            Spread(specimens.Where(s => s.ReceivedAt is not null).Select(s => s.ReceivedAt!.Value - s.AppearedAt)),
            Spread(specimens.Where(s => s.HandledAt is not null).Select(s => s.HandledAt!.Value - s.AppearedAt)),
            specimens.Count(s => s.EscalationLevel > 0),
            specimens.Count(s => s.EscalationLevel > 1),
            departments);
    }

    /// <summary>One critical value per specimen: first appearance, first notification, first receipt and first handling
    /// among its results, the department of its first result, its most urgent tier and highest escalation.</summary>
    public static IReadOnlyList<SpecimenFact> Specimens(IEnumerable<AlertFact> alerts) =>
        alerts.GroupBy(a => string.IsNullOrEmpty(a.Specimen) ? "#" + a.Id : a.Specimen)
            .Select(g =>
            {
                var first = g.OrderBy(a => a.ReportedAt).ThenBy(a => a.Id).First();
                return new SpecimenFact(g.Key, first.DepartmentCode, g.Any(a => a.Tier == Alerts.AlertTiers.Critical) ? Alerts.AlertTiers.Critical : first.Tier, first.ReportedAt,
                    g.Min(a => a.NotifiedAt), g.Min(a => a.AcknowledgedAt), g.Min(a => a.HandledAt), g.Max(a => a.EscalationLevel), g.Count());
            })
            .ToList();

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
