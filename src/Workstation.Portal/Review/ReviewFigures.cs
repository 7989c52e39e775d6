using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

/// <summary>The dashboard's decision figures of a range, from facts (pre-computed days, and days computed from the rows).</summary>
internal sealed record FactFigures(
    Ratio RecognitionRate, DateOnly? ApproximateUntil, Ratio DialogRate, int Decisions,
    IReadOnlyList<GroupRate> DeclineRateByItem, IReadOnlyList<GroupRate> DeclineRateByDoctor, IReadOnlyList<GroupRate> DeclineRateByDepartment,
    IReadOnlyList<CountByKey> DeclinesByReason, int NotChecked, int Reconciled, int Checks,
    IReadOnlyList<InstitutionUse> Institutions, decimal CostAvoided, IReadOnlyList<TrendPoint> Weekly, IReadOnlyList<TrendPoint> Monthly);

/// <summary>Turns facts into figures (docs/review-definitions.md, "Pre-computed days"): sums, and distinct pair counts
/// through their link days.</summary>
internal static class ReviewFigures
{
    /// <param name="facts">Facts of the range's days; facts of other dimensions than the hospital may be month sums.</param>
    /// <param name="firstListedDay">The local day of the first stored listing (goal 10 exact from it); null: none yet.</param>
    /// <param name="label">Label of a group: (dimension, key).</param>
    public static FactFigures Compute(IReadOnlyCollection<FactRow> facts, DateOnly from, DateOnly to, DateOnly? firstListedDay,
        Func<string, string, string> label)
    {
        long Sum(string dim, string measure, Func<FactRow, bool>? where = null) =>
            facts.Where(f => f.Dim == dim && f.Measure == measure && (where is null || where(f))).Sum(f => f.Value);

        // Goal 10: exact from the first listed day, the approximation before it (as ReviewMetrics.RecognitionRate).
        var exactFrom = firstListedDay is { } first && first > from ? first : from;
        var exact = firstListedDay is { } f1 && f1 <= to
            ? new Ratio(
                (int)Sum(FactDims.Hospital, FactMeasures.ListedRecognised, f => f.Day >= exactFrom && f.Link < exactFrom),
                (int)Sum(FactDims.Hospital, FactMeasures.Listed, f => f.Day >= exactFrom && f.Link < exactFrom))
            : new Ratio(0, 0);
        DateOnly? approximateUntil = null;
        var rate = exact;
        if (firstListedDay is not { } start || start > from)
        {
            var until = firstListedDay is { } s && s <= to ? s.AddDays(-1) : to;
            approximateUntil = until;
            var numerator = Sum(FactDims.Hospital, FactMeasures.ApproxRecognised, f => f.Day <= until && f.Link > until);
            var denominator = Sum(FactDims.Hospital, FactMeasures.ApproxPairs, f => f.Day <= until && f.Link > until);
            rate = new Ratio(exact.Numerator + (int)numerator, exact.Denominator + (int)denominator);
        }

        var decisions = (int)Sum(FactDims.Hospital, FactMeasures.Decisions);
        var dialog = new Ratio((int)Sum(FactDims.Hospital, FactMeasures.Recognised), decisions);
        IReadOnlyList<GroupRate> Rates(string dim, int top) => ReviewMetrics.Rank(
            facts.Where(f => f.Dim == dim && f.Measure is FactMeasures.Decisions or FactMeasures.Declined)
                .GroupBy(f => f.Key)
                .Select(g => new GroupRate(dim == FactDims.Doctor ? g.Key.Split('|')[0] : g.Key, label(dim, g.Key),
                    new Ratio((int)g.Where(f => f.Measure == FactMeasures.Declined).Sum(f => f.Value), (int)g.Where(f => f.Measure == FactMeasures.Decisions).Sum(f => f.Value)))),
            top);
        var reasons = DeclineReasons.All.Select(r => new CountByKey(r, r,
            (int)facts.Where(f => f.Dim == FactDims.Hospital && f.Measure == FactMeasures.Reason && f.Key == r).Sum(f => f.Value))).ToList();
        var institutions = facts.Where(f => f.Dim == FactDims.Institution && f.Measure == FactMeasures.PairsRecognised && f.Link > to)
            .GroupBy(f => f.Key).Select(g => new InstitutionUse(g.Key, (int)g.Sum(f => f.Value)))
            .Where(i => i.Recognised > 0)
            .OrderByDescending(i => i.Recognised).ThenBy(i => i.Institution, StringComparer.Ordinal)
            .ToList();
        var cost = Sum(FactDims.Hospital, FactMeasures.CostFen, f => f.Link > to) / 100m;

        return new FactFigures(rate, approximateUntil, dialog, decisions,
            Rates(FactDims.Item, 10), Rates(FactDims.Doctor, 10), Rates(FactDims.Department, 50), reasons,
            (int)Sum(FactDims.Hospital, FactMeasures.NotChecked), (int)Sum(FactDims.Hospital, FactMeasures.Reconciled),
            (int)Sum(FactDims.Hospital, FactMeasures.Checks), institutions, cost,
            Trend(facts, monthly: false), Trend(facts, monthly: true));
    }

    /// <summary>Trend buckets from the hospital's day facts (as <see cref="ReviewMetrics.Trend"/>).</summary>
    private static IReadOnlyList<TrendPoint> Trend(IEnumerable<FactRow> facts, bool monthly)
    {
        var points = new SortedDictionary<DateOnly, (int Decisions, int Recognised, int Declined, int NotChecked)>();
        foreach (var f in facts.Where(f => f.Dim == FactDims.Hospital))
        {
            if (f.Measure is not (FactMeasures.Decisions or FactMeasures.Recognised or FactMeasures.Declined or FactMeasures.NotChecked)) continue;
            var b = monthly ? new DateOnly(f.Day.Year, f.Day.Month, 1) : f.Day.AddDays(-(((int)f.Day.DayOfWeek + 6) % 7));
            var p = points.GetValueOrDefault(b);
            var v = (int)f.Value;
            points[b] = f.Measure switch
            {
                FactMeasures.Decisions => p with { Decisions = p.Decisions + v },
                FactMeasures.Recognised => p with { Recognised = p.Recognised + v },
                FactMeasures.Declined => p with { Declined = p.Declined + v },
                _ => p with { NotChecked = p.NotChecked + v },
            };
        }
        return points.Select(p => new TrendPoint(monthly ? p.Key.ToString("yyyy-MM") : p.Key.ToString("yyyy-MM-dd"), p.Key,
            p.Value.Decisions, p.Value.Recognised, p.Value.Declined, p.Value.NotChecked)).ToList();
    }
}
