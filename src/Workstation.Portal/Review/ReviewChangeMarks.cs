using Workstation.Portal.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Keeps the pre-computed days honest: in every SaveChanges that adds a decision or a listing, adds or
/// re-checks an order check, or adds or changes a critical value, it adds a <see cref="ReviewChangedDay"/> for each closed local day whose figures that
/// changes — in the same transaction, so no reader can see the change without the mark. A decision changes the days
/// its (patient, report) pair was listed or decided before (goal 10 counts a pair by its latest decision, and the
/// "last decision of the day" links move). Those days are read from the rows until <see cref="ReviewPrecomputer"/>
/// computes them again.</summary>
internal sealed class ReviewChangeMarks(IServiceProvider services, IOptions<ReviewOptions> options, TimeProvider time) : SaveChangesInterceptor, IAddedRowRule
{
    /// <summary>The rows written by the group commit that this interceptor must see: a decision, an alert or a step
    /// always (their marks need reads), and an order check or a listing of a closed day. Today's checks and listings,
    /// all the order-check path writes, change no closed day.</summary>
    public bool NeedsSaveChanges(object row) => row switch
    {
        OrderCheck check => ClosedDay(check.CreatedAt),
        ListedReport listing => ClosedDay(listing.ListedAt),
        RecognitionDecision or Alerts.CriticalValueAlert or Alerts.AlertStep => true,
        _ => false,
    };

    private bool ClosedDay(DateTime at)
    {
        var offset = options.Value.UtcOffset;
        return DateOnly.FromDateTime(at + offset) < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime + offset);
    }

    private static readonly AsyncLocal<bool> Suppressed = new();

    /// <summary>Writers that mark the days they touch themselves (the demo generator, in bulk) turn this off.</summary>
    public static IDisposable Suppress()
    {
        Suppressed.Value = true;
        return new Restore();
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        MarkAsync(eventData.Context, sync: true, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await MarkAsync(eventData.Context, sync: false, cancellationToken);
        return result;
    }

    private async Task MarkAsync(DbContext? context, bool sync, CancellationToken cancellationToken)
    {
        if (context is not PortalDbContext db || Suppressed.Value) return;
        var decisions = db.ChangeTracker.Entries<RecognitionDecision>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        var checks = db.ChangeTracker.Entries<OrderCheck>()
            .Where(e => e.State == EntityState.Added || (e.State == EntityState.Modified &&
                (e.Property(c => c.Status).IsModified || e.Property(c => c.RecheckedAt).IsModified || e.Property(c => c.WasNotChecked).IsModified)))
            .Select(e => e.Entity.CreatedAt).ToList();
        var listings = db.ChangeTracker.Entries<ListedReport>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.ListedAt).ToList();
        // A critical value of a past day acknowledged, handled or escalated now changes that day's CL-14 / CL-15.
        var alerts = db.ChangeTracker.Entries<Alerts.CriticalValueAlert>().Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.ReportedAt).ToList();
        // A step added to a stored alert (an escalation, written beside a bulk update of the alert): the alert's day.
        var steps = db.ChangeTracker.Entries<Alerts.AlertStep>().Where(e => e.State == EntityState.Added && e.Entity.Alert is null)
            .Select(e => e.Entity.AlertId).Distinct().ToList();
        if (decisions.Count == 0 && checks.Count == 0 && listings.Count == 0 && alerts.Count == 0 && steps.Count == 0) return;

        var offset = options.Value.UtcOffset;
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now + offset);
        var times = new List<DateTime>(checks.Concat(listings).Concat(alerts).Concat(decisions.Select(d => d.DecidedAt)));
        if (decisions.Count > 0 || steps.Count > 0)
        {
            // The pair's earlier rows, read beside the saving transaction: a row committed meanwhile is today's.
            var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            using var read = factory.CreateDbContext();
            foreach (var (patient, report) in decisions.Select(d => (d.PatientId, d.ReportId)).Distinct())
            {
                var listed = ListingQueries.Listed(read).Where(l => l.PatientId == patient && l.ReportId == report).Select(l => l.ListedAt);
                var decided = OrderQueries.Decisions(read).Where(d => d.PatientId == patient && d.ReportId == report).Select(d => d.DecidedAt);
                times.AddRange(sync ? listed.ToList() : await listed.ToListAsync(cancellationToken));
                times.AddRange(sync ? decided.ToList() : await decided.ToListAsync(cancellationToken));
            }
            if (steps.Count > 0)
            {
                var reported = AlertQueries.Timelines(read).Where(a => steps.Contains(a.Id)).Select(a => a.ReportedAt);
                times.AddRange(sync ? reported.ToList() : await reported.ToListAsync(cancellationToken));
            }
        }
        // (NeedsSaveChanges above claims from the group commit every row this can mark: keep the two in step.)
        foreach (var day in times.Select(t => DateOnly.FromDateTime(t + offset)).Where(d => d < today).Distinct())
            db.ReviewChangedDays.Add(new ReviewChangedDay { Day = day, At = now });
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => Suppressed.Value = false;
    }
}
