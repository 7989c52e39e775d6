using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Background;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>What one pre-computation pass did.</summary>
internal sealed record PrecomputePass(int Days, int Months, int Facts, TimeSpan Took);

/// <summary>Pre-computes closed local days (docs/review-definitions.md, "Pre-computed days"): every day before today
/// that has no facts yet, or whose rows changed since (<see cref="ReviewChangedDay"/>), in chunks of up to a month, each
/// replaced in one transaction (a reader sees a day's old facts or its new ones, never half); then the months whose
/// days are all computed. One instance at a time (a job lease); woken after start and every
/// <see cref="ReviewOptions.PrecomputeInterval"/>.</summary>
internal sealed class ReviewPrecomputer(
    IDbContextFactory<PortalDbContext> dbFactory, ReviewDayRows rows, JobLeases leases, IOptions<ReviewOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<ReviewPrecomputer> logger) : BackgroundService
{
    public const string Day = "D";
    public const string Month = "M";
    private const string LeaseName = "review-precompute";
    private const int ChunkDays = 31;
    private readonly WakeableLoop _loop = new(time);

    /// <summary>Runs a pass soon (a generator wrote history).</summary>
    public void Wake() => _loop.Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStart.WaitAsync(lifetime, stoppingToken)) return;
        await _loop.RunAsync(() => options.Value.PrecomputeInterval, async ct =>
        {
            await leases.RunExclusiveAsync(LeaseName, TimeSpan.FromMinutes(30), async c => (await PrecomputeAsync(c)).Days, ct);
        }, logger, "Review pre-computation", stoppingToken, passFirst: true);
    }

    /// <summary>One pass (the caller holds the lease, or is a test or the benchmark).</summary>
    public async Task<PrecomputePass> PrecomputeAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var offsetMinutes = (int)options.Value.UtcOffset.TotalMinutes;
        var today = rows.LocalDay(time.GetUtcNow().UtcDateTime);
        var yesterday = today.AddDays(-1);
        DateOnly first;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var earliest = new[]
            {
                await OrderQueries.Decisions(db).MinAsync(d => (DateTime?)d.DecidedAt, cancellationToken),
                await ListingQueries.Listed(db).MinAsync(l => (DateTime?)l.ListedAt, cancellationToken),
                await OrderQueries.Checks(db).MinAsync(c => (DateTime?)c.CreatedAt, cancellationToken),
            }.Where(t => t is not null).Min();
            if (earliest is not { } e) return new PrecomputePass(0, 0, 0, started.Elapsed);
            var day = rows.LocalDay(e);
            first = new DateOnly(day.Year, day.Month, 1);
        }
        if (first > yesterday) return new PrecomputePass(0, 0, 0, started.Elapsed);

        var (computed, facts) = (0, 0);
        foreach (var (from, to) in await DaysToComputeAsync(first, yesterday, offsetMinutes, cancellationToken))
        {
            facts += await ComputeDaysAsync(from, to, offsetMinutes, cancellationToken);
            computed += to.DayNumber - from.DayNumber + 1;
        }
        var months = await ComputeMonthsAsync(first, yesterday, offsetMinutes, cancellationToken);
        var pass = new PrecomputePass(computed, months, facts, started.Elapsed);
        if (computed > 0 || months > 0)
            logger.LogInformation("Review figures pre-computed: {Days} days, {Months} months, {Facts} facts in {Seconds:0.0} s",
                computed, months, facts, pass.Took.TotalSeconds);
        return pass;
    }

    /// <summary>Runs of consecutive days without current facts, each at most a month long.</summary>
    private async Task<List<(DateOnly From, DateOnly To)>> DaysToComputeAsync(DateOnly first, DateOnly last, int offsetMinutes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var computed = (await db.ReviewPeriods.AsNoTracking()
                .Where(p => p.Grain == Day && p.Start >= first && p.Start <= last && p.OffsetMinutes == offsetMinutes)
                .Select(p => p.Start).ToListAsync(cancellationToken))
            .ToHashSet();
        var changed = (await db.ReviewChangedDays.AsNoTracking().Where(c => c.Day >= first && c.Day <= last).Select(c => c.Day).Distinct()
            .ToListAsync(cancellationToken)).ToHashSet();
        var runs = new List<(DateOnly, DateOnly)>();
        DateOnly? start = null;
        for (var d = first; d <= last.AddDays(1); d = d.AddDays(1))
        {
            var needed = d <= last && (!computed.Contains(d) || changed.Contains(d));
            if (needed && start is null) start = d;
            if (start is { } s && (!needed || d.DayNumber - s.DayNumber == ChunkDays))
            {
                runs.Add((s, d.AddDays(-1)));
                start = needed ? d : null;
            }
        }
        return runs;
    }

    /// <summary>Replaces the facts of the days in one transaction; the change marks read before the rows are removed with
    /// them (a change committed meanwhile keeps its mark: the day is computed again next pass).</summary>
    private async Task<int> ComputeDaysAsync(DateOnly from, DateOnly to, int offsetMinutes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var marks = await db.ReviewChangedDays.AsNoTracking().Where(c => c.Day >= from && c.Day <= to).Select(c => c.Id).ToListAsync(cancellationToken);
        var facts = await rows.BuildAsync(db, from, to, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ReviewFacts.Where(f => f.Day >= from && f.Day <= to).ExecuteDeleteAsync(cancellationToken);
        await db.ReviewPeriods.Where(p => p.Grain == Day && p.Start >= from && p.Start <= to).ExecuteDeleteAsync(cancellationToken);
        if (marks.Count > 0) await db.ReviewChangedDays.Where(c => marks.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
        db.ReviewFacts.AddRange(facts.Select(f => new ReviewFact { Day = f.Day, Dim = f.Dim, Key = f.Key, Measure = f.Measure, Link = f.Link, Value = f.Value }));
        for (var d = from; d <= to; d = d.AddDays(1))
            db.ReviewPeriods.Add(new ReviewPeriod { Grain = Day, Start = d, OffsetMinutes = offsetMinutes, ComputedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return facts.Count;
    }

    /// <summary>Sums the group facts of each closed month whose days are all computed and unchanged, when its sum is
    /// older than its days.</summary>
    private async Task<int> ComputeMonthsAsync(DateOnly first, DateOnly last, int offsetMinutes, CancellationToken cancellationToken)
    {
        var count = 0;
        for (var month = first; month.AddMonths(1).AddDays(-1) <= last; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var days = await db.ReviewPeriods.AsNoTracking().Where(p => p.Grain == Day && p.Start >= month && p.Start <= end && p.OffsetMinutes == offsetMinutes)
                .Select(p => p.ComputedAt).ToListAsync(cancellationToken);
            if (days.Count != end.DayNumber - month.DayNumber + 1) continue;
            if (await db.ReviewChangedDays.AnyAsync(c => c.Day >= month && c.Day <= end, cancellationToken)) continue;
            var sum = await db.ReviewPeriods.AsNoTracking().SingleOrDefaultAsync(p => p.Grain == Month && p.Start == month, cancellationToken);
            if (sum is not null && sum.OffsetMinutes == offsetMinutes && sum.ComputedAt >= days.Max()) continue;

            var facts = await db.ReviewFacts.AsNoTracking().Where(f => f.Day >= month && f.Day <= end && f.Dim != FactDims.Hospital)
                .GroupBy(f => new { f.Dim, f.Key, f.Measure, f.Link })
                .Select(g => new { g.Key.Dim, g.Key.Key, g.Key.Measure, g.Key.Link, Value = g.Sum(f => f.Value) })
                .ToListAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.ReviewMonthFacts.Where(f => f.Month == month).ExecuteDeleteAsync(cancellationToken);
            await db.ReviewPeriods.Where(p => p.Grain == Month && p.Start == month).ExecuteDeleteAsync(cancellationToken);
            db.ReviewMonthFacts.AddRange(facts.Select(f => new ReviewMonthFact { Month = month, Dim = f.Dim, Key = f.Key, Measure = f.Measure, Link = f.Link, Value = f.Value }));
            db.ReviewPeriods.Add(new ReviewPeriod { Grain = Month, Start = month, OffsetMinutes = offsetMinutes, ComputedAt = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            count++;
        }
        return count;
    }
}
