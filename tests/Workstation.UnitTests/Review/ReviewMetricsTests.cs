using Workstation.Portal.Orders;
using Workstation.Portal.Review;

namespace Workstation.UnitTests.Review;

/// <summary>Each rate against a hand-computed fixture; the comments say what counts in numerator and denominator.</summary>
public sealed class ReviewMetricsTests
{
    private static readonly DateTime Day = new(2026, 3, 2, 2, 0, 0, DateTimeKind.Utc); // Monday 10:00 in China

    private static DecisionFact D(long id, string patient, string report, string choice, double hoursAfter = 0, string item = "L001",
        string reasons = "", string doctor = "D1", string department = "NK", string institution = "A院", double reportDaysBefore = 1) =>
        new(id, Day.AddHours(hoursAfter), choice, reasons, item, item == "L001" ? "血常规" : "CT", doctor, doctor + "名", department, department + "科",
            patient, report, institution, Day.AddDays(-reportDaysBefore));

    private const string R = DecisionChoices.Recognise;
    private const string X = DecisionChoices.Decline;

    private static int? Validity(string item) => item == "L001" ? 7 : null;

    [Fact]
    public void Recognition_rate_counts_each_patient_report_once_with_its_latest_decision_and_leaves_out_expired_reports()
    {
        var decisions = new[]
        {
            D(1, "P1", "R1", R),                              // P1/R1 recognised
            D(2, "P1", "R1", R, hoursAfter: 1),               // same report listed twice for P1: still one pair
            D(3, "P2", "R2", R),                              // P2/R2 first recognised...
            D(4, "P2", "R2", X, hoursAfter: 2, reasons: DeclineReasons.ConditionChanged), // ...then changed by a later decline: counts as declined
            D(5, "P3", "R3", X, reasons: DeclineReasons.Emergency), // declined
            D(6, "P4", "R4", R, reportDaysBefore: 10),        // 血常规 valid 7 days: expired at decision time, in neither
            D(7, "P5", "R1", R),                              // the same report id for another patient is another pair
        };

        var rate = ReviewMetrics.RecognitionRate(decisions, Validity);

        // pairs: P1/R1 (互认), P2/R2 (不互认, latest), P3/R3 (不互认), P5/R1 (互认) -> 2 / 4
        Assert.Equal(new Ratio(2, 4), rate);
        Assert.Equal(0.5, rate.Value);
    }

    [Fact]
    public void Not_checked_events_count_in_neither_rate_and_appear_apart_in_the_trend()
    {
        var decisions = new[] { D(1, "P1", "R1", R), D(2, "P2", "R2", X, reasons: "OTHER") };
        var notChecked = new[] { new NotCheckedFact("c1", Day, null, "not-checked"), new NotCheckedFact("c2", Day, Day.AddHours(1), "clear") };

        var week = Assert.Single(ReviewMetrics.Trend(decisions, notChecked, TimeSpan.FromHours(8), monthly: false));

        // The rates take decisions only: a not-checked order matched no report, so it is in no numerator or denominator.
        Assert.Equal(new Ratio(1, 2), ReviewMetrics.RecognitionRate(decisions, Validity));
        Assert.Equal(new Ratio(1, 2), ReviewMetrics.DialogRate(decisions));
        Assert.Equal((2, 2), (week.Decisions, week.NotChecked));
    }

    [Fact]
    public void Dialog_rate_counts_every_forced_decision()
    {
        var decisions = new[] { D(1, "P1", "R1", R), D(2, "P1", "R1", R, 1), D(3, "P2", "R2", X, reasons: "OTHER"), D(4, "P3", "R3", R) };

        // 互认 3 ÷ (互认 3 + 不互认 1): repeated decisions each count, unlike the goal-10 rate.
        Assert.Equal(new Ratio(3, 4), ReviewMetrics.DialogRate(decisions));
        Assert.Null(ReviewMetrics.DialogRate([]).Value);
    }

    [Fact]
    public void Decline_rate_per_group_is_declines_over_decisions_of_the_group_highest_first()
    {
        var decisions = new[]
        {
            D(1, "P1", "R1", X, doctor: "A", reasons: "OTHER"), D(2, "P2", "R2", R, doctor: "A"),          // A: 1/2
            D(3, "P3", "R3", X, doctor: "B", reasons: "OTHER"), D(4, "P4", "R4", X, doctor: "B", reasons: "OTHER"),
            D(5, "P5", "R5", R, doctor: "B"), D(6, "P6", "R6", X, doctor: "B", reasons: "OTHER"),          // B: 3/4
            D(7, "P7", "R7", R, doctor: "C"),                                                              // C: 0/1
        };

        var rates = ReviewMetrics.DeclineRateBy(decisions, d => d.DoctorId, d => d.DoctorName);

        Assert.Equal(["B", "A", "C"], rates.Select(r => r.Key));
        Assert.Equal(new Ratio(3, 4), rates[0].Rate);
        Assert.Equal(new Ratio(1, 2), rates[1].Rate);
        Assert.Equal(new Ratio(0, 1), rates[2].Rate);
    }

    [Fact]
    public void Declines_by_reason_count_a_two_reason_decline_under_each_reason_and_ignore_recognitions()
    {
        var decisions = new[]
        {
            D(1, "P1", "R1", X, reasons: $"{DeclineReasons.ConditionChanged},{DeclineReasons.PatientRequest}"),
            D(2, "P2", "R2", X, reasons: DeclineReasons.ConditionChanged),
            D(3, "P3", "R3", R),
        };

        var byReason = ReviewMetrics.DeclinesByReason(decisions).ToDictionary(r => r.Key, r => r.Count);

        Assert.Equal(2, byReason[DeclineReasons.ConditionChanged]);
        Assert.Equal(1, byReason[DeclineReasons.PatientRequest]);
        Assert.Equal(0, byReason[DeclineReasons.Emergency]);
        Assert.Equal(DeclineReasons.All.Count, byReason.Count);
    }

    [Fact]
    public void Cost_avoided_and_institutions_count_recognised_patient_report_pairs_once()
    {
        var decisions = new[]
        {
            D(1, "P1", "R1", R, institution: "A院"), D(2, "P1", "R1", R, 1, institution: "A院"), // one pair
            D(3, "P2", "R2", R, item: "E001", institution: "B院"),
            D(4, "P3", "R3", X, institution: "B院", reasons: "OTHER"),                           // declined: nothing avoided
            D(5, "P4", "R4", R, item: "E999", institution: "B院"),                                // not in the catalogue: price 0
        };
        decimal? Price(string code) => code switch { "L001" => 20m, "E001" => 150m, _ => null };

        Assert.Equal(170m, ReviewMetrics.CostAvoided(decisions, Price));
        var institutions = ReviewMetrics.Institutions(decisions);
        Assert.Equal([("B院", 2), ("A院", 1)], institutions.Select(i => (i.Institution, i.Recognised)));
    }

    [Fact]
    public void Trends_bucket_by_local_week_and_month_and_count_not_checked_events_apart()
    {
        var sunday = new DateTime(2026, 3, 1, 15, 0, 0, DateTimeKind.Utc);   // Sunday 23:00 in China: week of 2026-02-23
        var monday = new DateTime(2026, 3, 1, 16, 30, 0, DateTimeKind.Utc);  // Monday 00:30 in China: week of 2026-03-02
        var decisions = new[]
        {
            D(1, "P1", "R1", R) with { DecidedAt = sunday },
            D(2, "P2", "R2", X, reasons: "OTHER") with { DecidedAt = monday },
        };
        var notChecked = new[] { new NotCheckedFact("c1", monday, null, "not-checked") };

        var weekly = ReviewMetrics.Trend(decisions, notChecked, TimeSpan.FromHours(8), monthly: false);
        var monthly = ReviewMetrics.Trend(decisions, notChecked, TimeSpan.FromHours(8), monthly: true);

        Assert.Equal(["2026-02-23", "2026-03-02"], weekly.Select(w => w.Period));
        Assert.Equal((1, 1, 0, 0), (weekly[0].Decisions, weekly[0].Recognised, weekly[0].Declined, weekly[0].NotChecked));
        Assert.Equal((1, 0, 1, 1), (weekly[1].Decisions, weekly[1].Recognised, weekly[1].Declined, weekly[1].NotChecked));
        Assert.Equal(["2026-03"], monthly.Select(m => m.Period)); // both are in March, local time
    }

    [Fact]
    public void Spread_takes_the_mean_of_the_middle_pair_as_median_and_the_nearest_rank_as_p90()
    {
        var minutes = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }.Select(m => TimeSpan.FromMinutes(m));

        var spread = ReviewMetrics.Spread(minutes);

        Assert.Equal(TimeSpan.FromMinutes(5.5), spread.Median);
        Assert.Equal(TimeSpan.FromMinutes(9), spread.P90); // rank ceil(0.9 × 10) = 9
        Assert.Equal(new Percentiles(0, null, null), ReviewMetrics.Spread([]));
    }

    [Fact]
    public void CL14_and_CL15_count_each_specimen_once_from_its_first_result_with_the_limit_of_its_tier()
    {
        var t = Day;
        TimeSpan Limit(string tier) => tier == "significant" ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(10);
        var alerts = new[]
        {
            // Specimen S1 (NK): first result at t, received at +8 min; the repeat at +5 min received at +6 min (earlier):
            // one critical value, appeared at t, received at +6 min (the first receipt): in time (10 min).
            new AlertFact(1, "NK", t, t.AddMinutes(1), t.AddMinutes(8), t.AddMinutes(20), 0, "lis:S1", "critical"),
            new AlertFact(2, "NK", t.AddMinutes(5), t.AddMinutes(5), t.AddMinutes(6), null, 0, "lis:S1", "critical"),
            // S2 (NK), significant: received at +25 min, within its 30 min: in time.
            new AlertFact(3, "NK", t, t.AddMinutes(2), t.AddMinutes(25), t.AddMinutes(40), 1, "lis:S2", "significant"),
            // S3 (WK), critical: received at exactly +10 min: in time; escalated twice.
            new AlertFact(4, "WK", t, t.AddMinutes(3), t.AddMinutes(10), null, 2, "lis:S3", "critical"),
            // S4 (WK): a significant repeat and a critical result: the most urgent tier (10 min) applies; received at +12: late.
            new AlertFact(5, "WK", t, t.AddMinutes(1), t.AddMinutes(12), null, 0, "lis:S4", "significant"),
            new AlertFact(6, "WK", t.AddMinutes(1), t.AddMinutes(2), null, null, 0, "lis:S4", "critical"),
            // No specimen number: counts on its own; never received: notified in neither.
            new AlertFact(7, "WK", t, t.AddMinutes(2), null, null, 1, "", "critical"),
        };

        var summary = ReviewMetrics.CriticalValues(alerts, Limit);

        Assert.Equal((7, 5), (summary.Alerts, summary.Specimens));
        Assert.Equal(new Ratio(4, 5), summary.NotificationRate); // CL-14: S1, S2, S3, S4 received; #7 not
        Assert.Equal(new Ratio(3, 5), summary.TimelyRate);       // CL-15: S1, S2, S3 in time; S4 late; #7 never
        Assert.Equal(TimeSpan.FromMinutes(11), summary.ToReceived.Median); // received after 6, 10, 12, 25 min: (10 + 12) / 2
        Assert.Equal(3, summary.Escalated);                      // S2, S3, #7
        Assert.Equal(1, summary.EscalatedToMedicalAffairs);
        var wk = summary.Departments.Single(d => d.DepartmentCode == "WK");
        Assert.Equal((3, new Ratio(2, 3), new Ratio(1, 3)), (wk.Specimens, wk.NotificationRate, wk.TimelyRate));
        Assert.Equal("WK", summary.Departments[0].DepartmentCode); // worst first
    }

    private static ListingFact L(string patient, string report, bool recognisable = true, string item = "L001", double hoursAfter = 0) =>
        new(patient, report, item, Day.AddHours(hoursAfter), recognisable);

    [Fact]
    public void Goal_10_counts_every_valid_report_listed_once_per_patient_and_the_recognised_ones_by_their_latest_decision()
    {
        var listings = new[]
        {
            L("P1", "R1"),                          // listed and recognised (badge, then the order)
            L("P1", "R1", hoursAfter: 3),           // listed twice for P1 (another encounter): one pair
            L("P2", "R2"),                          // listed, never ordered: denominator only
            L("P3", "R3", recognisable: false),     // listed as expired: in neither, even if someone decided on it
            L("P4", "R4", item: "ZZZ"),             // an item outside the catalogue: in neither
            L("P6", "R6"),                          // listed, recognised, then declined later: the latest decision counts
        };
        var decisions = new[]
        {
            D(1, "P1", "R1", R, hoursAfter: 1),
            D(2, "P5", "R5", R, hoursAfter: 2),     // recognised through the HIS API without a badge view: the dialog listed it
            D(3, "P6", "R6", R, hoursAfter: 1),
        };
        var latest = new Dictionary<(string, string), string>
        {
            [("P1", "R1")] = R, [("P5", "R5")] = R, [("P6", "R6")] = X, [("P3", "R3")] = R,
        };

        var rate = ReviewMetrics.ListedRecognitionRate(listings, decisions, p => latest.GetValueOrDefault(p), Validity);

        // pairs: P1/R1 (互认), P2/R2 (never decided), P5/R5 (互认), P6/R6 (latest 不互认) -> 2 / 4
        Assert.Equal(new Ratio(2, 4), rate);
    }

    [Fact]
    public void A_range_that_starts_before_listings_were_stored_is_approximate_until_the_day_before_the_first_listing()
    {
        var offset = TimeSpan.FromHours(8);
        var first = DateOnly.FromDateTime(Day + offset);          // listings start on Day's local day
        var decisions = new[]
        {
            D(1, "P0", "R0", R, hoursAfter: -48),                 // two days before: the approximation (1 / 1)
            D(2, "P9", "R9", X, hoursAfter: -47, reasons: "OTHER"), // the approximation (0 / 1)
            D(3, "P1", "R1", R),                                  // exact part
        };
        var listings = new[] { L("P1", "R1"), L("P2", "R2") };
        var latest = new Dictionary<(string, string), string> { [("P1", "R1")] = R, [("P0", "R0")] = R, [("P9", "R9")] = X };

        var (rate, until) = ReviewMetrics.RecognitionRate(first.AddDays(-3), first, first, offset, listings, decisions,
            p => latest.GetValueOrDefault(p), Validity);
        var (exactOnly, none) = ReviewMetrics.RecognitionRate(first, first, first, offset, listings, decisions, p => latest.GetValueOrDefault(p), Validity);

        Assert.Equal(first.AddDays(-1), until);
        Assert.Equal(new Ratio(1 + 1, 2 + 2), rate);   // exact: P1 of P1, P2; approximate: P0 of P0, P9
        Assert.Null(none);
        Assert.Equal(new Ratio(1, 2), exactOnly);
    }
}
