using System.Runtime.InteropServices;
using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

/// <summary>A report the platform listed for a patient (goal 10's denominator).</summary>
internal sealed record ListingFact(string PatientId, string ReportId, string ItemCode, DateTime ListedAt, bool Recognisable);

/// <summary>An order check as the figures see it.</summary>
internal sealed record CheckFact(DateTime CreatedAt, bool WasNotChecked, bool Reconciled);

/// <summary>One fact: a measure of a local day (or month) for the hospital or one group, with its link day.</summary>
internal sealed record FactRow(DateOnly Day, string Dim, string Key, string Measure, DateOnly Link, long Value);

/// <summary>Computes the facts of local days from rows (docs/review-definitions.md, "Pre-computed days"). The same
/// code serves the pre-computation of closed days and the days that must be read from the rows (today, changed days),
/// so both give the same figures by construction; the review's row path (<see cref="ReviewMetrics"/>) is written
/// independently and checked against it.</summary>
internal static class ReviewFactBuilder
{
    /// <summary>Facts of the days <paramref name="from"/>..<paramref name="to"/> (local, inclusive).</summary>
    /// <param name="decisions">Every decision in the range, and every decision (any time) of the pairs decided or listed in it.</param>
    /// <param name="listings">Every listing in the range, and every listing (any time) of those pairs.</param>
    /// <param name="checks">The order checks created in the range.</param>
    /// <param name="validityDays">The catalogue's validity of an item; null: not in the catalogue.</param>
    /// <param name="price">The catalogue's price of an item.</param>
    public static List<FactRow> Build(DateOnly from, DateOnly to, TimeSpan offset, IEnumerable<DecisionFact> decisions,
        IEnumerable<ListingFact> listings, IEnumerable<CheckFact> checks, Func<string, int?> validityDays, Func<string, decimal?> price)
    {
        var facts = new Dictionary<(DateOnly Day, string Dim, string Key, string Measure, DateOnly Link), long>();
        void Add(DateOnly day, string dim, string key, string measure, long value = 1, DateOnly link = default)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(facts, (day, dim, key, measure, link), out _);
            slot += value;
        }
        DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc + offset);
        bool InRange(DateOnly day) => day >= from && day <= to;

        var byPair = new Dictionary<(string Patient, string Report), (List<DecisionFact> Decisions, List<ListingFact> Listings)>();
        (List<DecisionFact> Decisions, List<ListingFact> Listings) Pair(string patient, string report)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(byPair, (patient, report), out var exists);
            if (!exists) slot = ([], []);
            return slot;
        }

        foreach (var d in decisions)
        {
            Pair(d.PatientId, d.ReportId).Decisions.Add(d);
            var day = Day(d.DecidedAt);
            if (!InRange(day)) continue;
            var recognised = d.Choice == DecisionChoices.Recognise;
            var declined = d.Choice == DecisionChoices.Decline;
            Add(day, FactDims.Hospital, "", FactMeasures.Decisions);
            if (recognised) Add(day, FactDims.Hospital, "", FactMeasures.Recognised);
            foreach (var (dim, key) in new[] { (FactDims.Department, d.DepartmentCode), (FactDims.Doctor, ReviewMetrics.DoctorKey(d)), (FactDims.Item, d.ItemCode) })
            {
                Add(day, dim, key, FactMeasures.Decisions);
                if (declined) Add(day, dim, key, FactMeasures.Declined);
            }
            if (!declined) continue;
            Add(day, FactDims.Hospital, "", FactMeasures.Declined);
            foreach (var code in ReviewMetrics.ReasonsOf(d)) Add(day, FactDims.Hospital, code, FactMeasures.Reason);
        }
        foreach (var l in listings) Pair(l.PatientId, l.ReportId).Listings.Add(l);
        foreach (var c in checks)
        {
            var day = Day(c.CreatedAt);
            if (!InRange(day)) continue;
            Add(day, FactDims.Hospital, "", FactMeasures.Checks);
            if (c.WasNotChecked) Add(day, FactDims.Hospital, "", FactMeasures.NotChecked);
            if (c.Reconciled) Add(day, FactDims.Hospital, "", FactMeasures.Reconciled);
        }

        foreach (var (_, (pairDecisions, pairListings)) in byPair)
        {
            pairDecisions.Sort(ReviewMetrics.DecisionOrder);
            var recognisedNow = pairDecisions.Count > 0 && pairDecisions[^1].Choice == DecisionChoices.Recognise;

            // Goal 10: the days the pair was listed while valid, or decided while valid, within the catalogue.
            var listedDays = pairListings.Where(l => ReviewMetrics.CountsAsListed(l, validityDays)).Select(l => Day(l.ListedAt))
                .Concat(pairDecisions.Where(d => ReviewMetrics.CountsAsListed(d, validityDays)).Select(d => Day(d.DecidedAt)))
                .Distinct().Order().ToList();
            for (var i = 0; i < listedDays.Count; i++)
            {
                if (!InRange(listedDays[i])) continue;
                var previous = i > 0 ? listedDays[i - 1] : FactMeasures.NoLink;
                Add(listedDays[i], FactDims.Hospital, "", FactMeasures.Listed, link: previous);
                if (recognisedNow) Add(listedDays[i], FactDims.Hospital, "", FactMeasures.ListedRecognised, link: previous);
            }

            // The pair's last decision of each day, linked to its next decision day.
            LastOfEachDay(pairDecisions, (day, last, next) =>
            {
                if (last.Choice != DecisionChoices.Recognise) return;
                Add(day, FactDims.Hospital, "", FactMeasures.PairsRecognised, link: next);
                Add(day, FactDims.Hospital, "", FactMeasures.CostFen, (long)decimal.Round((price(last.ItemCode) ?? 0m) * 100m), next);
                Add(day, FactDims.Institution, last.Institution, FactMeasures.PairsRecognised, link: next);
            });
            LastOfEachDay(pairDecisions.Where(d => ReviewMetrics.ValidWhenDecided(d, validityDays)).ToList(), (day, last, next) =>
            {
                Add(day, FactDims.Hospital, "", FactMeasures.ApproxPairs, link: next);
                if (last.Choice == DecisionChoices.Recognise) Add(day, FactDims.Hospital, "", FactMeasures.ApproxRecognised, link: next);
            });
        }
        return facts.Select(f => new FactRow(f.Key.Day, f.Key.Dim, f.Key.Key, f.Key.Measure, f.Key.Link, f.Value)).ToList();

        void LastOfEachDay(List<DecisionFact> ordered, Action<DateOnly, DecisionFact, DateOnly> each)
        {
            for (var i = 0; i < ordered.Count; i++)
            {
                var day = Day(ordered[i].DecidedAt);
                if (i + 1 < ordered.Count && Day(ordered[i + 1].DecidedAt) == day) continue; // not the day's last
                if (!InRange(day)) continue;
                var next = i + 1 < ordered.Count ? Day(ordered[i + 1].DecidedAt) : FactMeasures.Never;
                each(day, ordered[i], next);
            }
        }
    }
}
