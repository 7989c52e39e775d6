using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Background;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>Unacknowledged alerts move up when their timer is due (stored with the alert, so timers survive restarts):
/// the department head, then medical affairs (<see cref="AlertRouting"/>). Each move is claimed by a conditional
/// update, so with several instances an alert moves up once.</summary>
internal sealed class AlertEscalation(
    IDbContextFactory<PortalDbContext> dbFactory,
    AlertRouting routing,
    AlertNotifier notifier,
    TimeProvider time,
    ILogger<AlertEscalation> logger)
{
    /// <summary>Fires due escalation timers; returns how many alerts moved up.</summary>
    public async Task<int> EscalateDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.CriticalValueAlerts.AsNoTracking()
            .Where(a => a.Status == AlertStatuses.Open && a.NextEscalationAt != null && a.NextEscalationAt <= now)
            .OrderBy(a => a.NextEscalationAt).Take(100).ToListAsync(cancellationToken);
        var escalated = new List<CriticalValueAlert>();
        foreach (var alert in due)
        {
            var previous = alert.AccountableDoctorId;
            var level = alert.EscalationLevel + 1;
            var (to, next) = routing.Escalation(alert, level, now);

            // Claimed by a conditional update: with several portal instances (or passes) only the one that moves the
            // alert from its current level escalates it, and writes the step; the others see 0 rows and skip.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.CriticalValueAlerts
                .Where(a => a.Id == alert.Id && a.Status == AlertStatuses.Open && a.EscalationLevel == alert.EscalationLevel)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.EscalationLevel, level).SetProperty(a => a.AccountableDoctorId, to)
                    .SetProperty(a => a.NextEscalationAt, next).SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
            if (claimed == 0) continue;
            db.AlertSteps.Add(new AlertStep
            {
                AlertId = alert.Id, At = now, Kind = AlertStepKinds.Escalated, To = to,
                Detail = $"level {level}: unacknowledged by {previous} since {alert.CreatedAt:HH:mm:ss}",
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            alert.EscalationLevel = level;
            alert.AccountableDoctorId = to;
            alert.NextEscalationAt = next;
            escalated.Add(alert);
            logger.LogWarning("Critical value alert {Alert} escalated to level {Level}: {Doctor}", alert.Id, level, to);
        }
        foreach (var alert in escalated) notifier.Publish(alert);
        return escalated.Count;
    }
}

/// <summary>Fires the escalation timers every <see cref="AlertsOptions.TimerInterval"/>.</summary>
internal sealed class EscalationWorker(AlertEscalation escalation, IOptionsMonitor<AlertsOptions> options, TimeProvider time,
    ILogger<EscalationWorker> logger) : BackgroundService
{
    private readonly WakeableLoop _loop = new(time);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _loop.RunAsync(() => options.CurrentValue.TimerInterval, escalation.EscalateDueAsync, logger, "Escalation", stoppingToken);
}
