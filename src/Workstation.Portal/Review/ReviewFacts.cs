using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>What a fact is counted by: the whole hospital, or one department, doctor, item or institution.</summary>
internal static class FactDims
{
    public const string Hospital = "H";
    public const string Department = "D";
    public const string Doctor = "P";
    public const string Item = "I";
    public const string Institution = "S";
}

/// <summary>The measures of a day (docs/review-definitions.md, "Pre-computed days"). Measures over distinct
/// (patient, report) pairs carry a link day so that distinct counts add up over any range: a pair counts once in
/// [from, to] at its first event in the range (link = its previous event day, before <c>from</c>) or at its last
/// decision in the range (link = its next decision day, after <c>to</c>).</summary>
internal static class FactMeasures
{
    public const string Decisions = "dec";
    public const string Recognised = "rec";
    public const string Declined = "dcl";

    /// <summary>Declines per coded reason (key = reason code).</summary>
    public const string Reason = "rsn";

    public const string Checks = "chk";
    public const string NotChecked = "nc";
    public const string Reconciled = "ncr";

    /// <summary>Goal 10's denominator: pairs listed (or decided) while valid; link = the pair's previous such day.</summary>
    public const string Listed = "lst";

    /// <summary>Goal 10's numerator: <see cref="Listed"/> pairs whose latest decision is 互认.</summary>
    public const string ListedRecognised = "lrc";

    /// <summary>Pairs whose last decision of the day is 互认; link = the pair's next decision day.</summary>
    public const string PairsRecognised = "prc";

    /// <summary>Catalogue price (fen) of <see cref="PairsRecognised"/>.</summary>
    public const string CostFen = "cst";

    /// <summary>The approximation used before listings were stored: pairs decided while valid; link = next such day.</summary>
    public const string ApproxPairs = "apx";

    public const string ApproxRecognised = "apr";

    public static bool LinksBack(string measure) => measure is Listed or ListedRecognised;

    public static bool LinksForward(string measure) => measure is PairsRecognised or CostFen or ApproxPairs or ApproxRecognised;

    /// <summary>The link of measures that count every event.</summary>
    public static readonly DateOnly NoLink = DateOnly.MinValue;

    /// <summary>"No earlier event" (links back) — <see cref="NoLink"/> — and "no later decision" (links forward).</summary>
    public static readonly DateOnly Never = DateOnly.MaxValue;
}

/// <summary>One pre-computed figure of a closed local day (or, in <c>review_month_facts</c>, a closed month).</summary>
internal sealed class ReviewFact
{
    public DateOnly Day { get; set; }

    public string Dim { get; set; } = "";

    public string Key { get; set; } = "";

    public string Measure { get; set; } = "";

    public DateOnly Link { get; set; }

    public long Value { get; set; }
}

/// <summary>A month's facts, summed from its days once they are all computed (departments, doctors, items,
/// institutions: the hospital's own figures stay per day for the trends).</summary>
internal sealed class ReviewMonthFact
{
    public DateOnly Month { get; set; }

    public string Dim { get; set; } = "";

    public string Key { get; set; } = "";

    public string Measure { get; set; } = "";

    public DateOnly Link { get; set; }

    public long Value { get; set; }
}

/// <summary>A computed day (or month): its facts replace the rows for every figure, unless the day changed since.</summary>
internal sealed class ReviewPeriod
{
    /// <summary>"D" day or "M" month.</summary>
    public string Grain { get; set; } = "";

    public DateOnly Start { get; set; }

    /// <summary>The UTC offset the local day was computed with (a changed setting invalidates it).</summary>
    public int OffsetMinutes { get; set; }

    public DateTime ComputedAt { get; set; }
}

/// <summary>A closed day whose rows changed after it may have been computed (a late decision, a re-check, a row
/// written for a past day): its figures come from the rows until it is computed again. Written in the transaction of
/// the change (<see cref="ReviewChangeMarks"/>), removed by the pass that recomputes the day.</summary>
internal sealed class ReviewChangedDay
{
    public long Id { get; set; }

    public DateOnly Day { get; set; }

    public DateTime At { get; set; }
}

internal sealed class ReviewFactConfiguration : IEntityTypeConfiguration<ReviewFact>
{
    public void Configure(EntityTypeBuilder<ReviewFact> e)
    {
        e.ToTable("review_facts");
        e.HasKey(f => new { f.Day, f.Dim, f.Key, f.Measure, f.Link });
        e.Property(f => f.Dim).HasMaxLength(1);
        e.Property(f => f.Key).HasMaxLength(120);
        e.Property(f => f.Measure).HasMaxLength(4);
    }
}

internal sealed class ReviewMonthFactConfiguration : IEntityTypeConfiguration<ReviewMonthFact>
{
    public void Configure(EntityTypeBuilder<ReviewMonthFact> e)
    {
        e.ToTable("review_month_facts");
        e.HasKey(f => new { f.Month, f.Dim, f.Key, f.Measure, f.Link });
        e.Property(f => f.Dim).HasMaxLength(1);
        e.Property(f => f.Key).HasMaxLength(120);
        e.Property(f => f.Measure).HasMaxLength(4);
    }
}

internal sealed class ReviewPeriodConfiguration : IEntityTypeConfiguration<ReviewPeriod>
{
    public void Configure(EntityTypeBuilder<ReviewPeriod> e)
    {
        e.ToTable("review_periods");
        e.HasKey(p => new { p.Grain, p.Start });
        e.Property(p => p.Grain).HasMaxLength(1);
    }
}

internal sealed class ReviewChangedDayConfiguration : IEntityTypeConfiguration<ReviewChangedDay>
{
    public void Configure(EntityTypeBuilder<ReviewChangedDay> e)
    {
        e.ToTable("review_changed_days");
        e.HasIndex(c => c.Day);
    }
}

/// <summary>The pre-computed figures' tables on the portal's context.</summary>
internal static class ReviewFactTables
{
    extension(PortalDbContext db)
    {
        public DbSet<ReviewFact> ReviewFacts => db.Set<ReviewFact>();

        public DbSet<ReviewMonthFact> ReviewMonthFacts => db.Set<ReviewMonthFact>();

        public DbSet<ReviewPeriod> ReviewPeriods => db.Set<ReviewPeriod>();

        public DbSet<ReviewChangedDay> ReviewChangedDays => db.Set<ReviewChangedDay>();
    }
}
