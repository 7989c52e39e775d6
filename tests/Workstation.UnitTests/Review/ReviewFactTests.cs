using Workstation.Portal.Orders;
using Workstation.Portal.Review;

namespace Workstation.UnitTests.Review;

/// <summary>The pre-computed path (facts per day, summed over a range) against the row path (<see cref="ReviewMetrics"/>)
/// over random histories with many repeats of one (patient, report): the same figures for every range.</summary>
public sealed class ReviewFactTests
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly DateOnly Start = new(2026, 1, 1);
    private const int Days = 70;

    private static int? Validity(string item) => item switch { "L001" => 7, "L002" => 30, _ => null };

    private static decimal? Price(string item) => item switch { "L001" => 25m, "L002" => 48.5m, _ => null };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Facts_summed_over_any_range_give_the_figures_the_rows_give(int seed)
    {
        var random = new Random(seed);
        DateTime At(int day) => DateTime.SpecifyKind(Start.AddDays(day).ToDateTime(new TimeOnly(random.Next(0, 24), random.Next(60))) - Offset, DateTimeKind.Utc);
        string[] items = ["L001", "L002", "ZZZ"];
        var decisions = Enumerable.Range(1, 400).Select(id =>
        {
            var patient = "P" + random.Next(40);
            var item = items[random.Next(items.Length)];
            var decidedAt = At(random.Next(Days));
            var decline = random.NextDouble() < 0.35;
            return new DecisionFact(id, decidedAt, decline ? DecisionChoices.Decline : DecisionChoices.Recognise,
                decline ? (random.NextDouble() < 0.5 ? "OTHER" : "EMERGENCY,PATIENT_REQUEST") : "", item, "", "D" + random.Next(6), "",
                "K" + random.Next(3), "", patient, patient + "-R" + random.Next(3), "院" + random.Next(4), decidedAt.AddDays(-random.Next(0, 20)));
        }).ToList();
        var firstListedIndex = 20; // listings from day 20 on: the days before are the approximation
        var listings = Enumerable.Range(0, 500).Select(_ =>
        {
            var patient = "P" + random.Next(40);
            return new ListingFact(patient, patient + "-R" + random.Next(3), items[random.Next(items.Length)], At(firstListedIndex + random.Next(Days - firstListedIndex)),
                random.NextDouble() < 0.85);
        }).ToList();
        var checks = Enumerable.Range(0, 300).Select(_ => new CheckFact(At(random.Next(Days)), random.NextDouble() < 0.1, random.NextDouble() < 0.05)).ToList();
        var firstListed = listings.Min(l => DateOnly.FromDateTime(l.ListedAt + Offset));
        var latest = decisions.GroupBy(d => (d.PatientId, d.ReportId)).ToDictionary(g => g.Key, g => g.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).Last().Choice);
        string Label(string dim, string key) => dim + ":" + key;

        // Pre-computed in three chunks, as the pre-computer does (each chunk reads every row of its pairs).
        var facts = ReviewFactBuilder.Build(Start, Start.AddDays(29), Offset, decisions, listings, checks, Validity, Price)
            .Concat(ReviewFactBuilder.Build(Start.AddDays(30), Start.AddDays(44), Offset, decisions, listings, checks, Validity, Price))
            .Concat(ReviewFactBuilder.Build(Start.AddDays(45), Start.AddDays(Days - 1), Offset, decisions, listings, checks, Validity, Price))
            .ToList();

        for (var i = 0; i < 60; i++)
        {
            var from = Start.AddDays(random.Next(Days));
            var to = from.AddDays(random.Next(Days - (from.DayNumber - Start.DayNumber)));
            DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc + Offset);
            var ds = decisions.Where(d => Day(d.DecidedAt) >= from && Day(d.DecidedAt) <= to).ToList();
            var ls = listings.Where(l => Day(l.ListedAt) >= from && Day(l.ListedAt) <= to).ToList();
            var cs = checks.Where(c => Day(c.CreatedAt) >= from && Day(c.CreatedAt) <= to).ToList();

            var figures = ReviewFigures.Compute(facts.Where(f => f.Day >= from && f.Day <= to).ToList(), from, to, firstListed, Label);

            var (rate, until) = ReviewMetrics.RecognitionRate(from, to, firstListed, Offset, ls, ds, p => latest.GetValueOrDefault(p), Validity);
            var pairs = ReviewMetrics.LatestPerPair(ds);
            var range = $"{from:MM-dd}..{to:MM-dd}";
            Assert.True(rate == figures.RecognitionRate, $"{range}: goal 10 {rate} from rows, {figures.RecognitionRate} from facts");
            Assert.Equal(until, figures.ApproximateUntil);
            Assert.Equal(ReviewMetrics.DialogRate(ds), figures.DialogRate);
            Assert.Equal(ReviewMetrics.InstitutionsOfLatest(pairs), figures.Institutions);
            Assert.Equal(ReviewMetrics.CostAvoidedOfLatest(pairs, Price), figures.CostAvoided);
            Assert.Equal(ReviewMetrics.DeclinesByReason(ds), figures.DeclinesByReason);
            Assert.Equal(ReviewMetrics.DeclineRateBy(ds, d => d.ItemCode, d => Label(FactDims.Item, d.ItemCode)), figures.DeclineRateByItem);
            Assert.Equal(ReviewMetrics.DeclineRateBy(ds, ReviewMetrics.DoctorKey, d => Label(FactDims.Doctor, ReviewMetrics.DoctorKey(d)))
                .Select(g => g with { Key = g.Key.Split('|')[0] }), figures.DeclineRateByDoctor);
            Assert.Equal(ReviewMetrics.DeclineRateBy(ds, d => d.DepartmentCode, d => Label(FactDims.Department, d.DepartmentCode), top: 50), figures.DeclineRateByDepartment);
            Assert.Equal((cs.Count(c => c.WasNotChecked), cs.Count(c => c.Reconciled), cs.Count), (figures.NotChecked, figures.Reconciled, figures.Checks));
            var notChecked = cs.Where(c => c.WasNotChecked).Select(c => new NotCheckedFact("c", c.CreatedAt, c.Reconciled ? c.CreatedAt : null, "x")).ToList();
            Assert.Equal(ReviewMetrics.Trend(ds, notChecked, Offset, monthly: false), figures.Weekly);
            Assert.Equal(ReviewMetrics.Trend(ds, notChecked, Offset, monthly: true), figures.Monthly);
        }
    }
}
