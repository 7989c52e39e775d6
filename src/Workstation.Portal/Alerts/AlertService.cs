using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Outbox;
using Workstation.Portal.Presence;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

public abstract record ReceiveOutcome
{
    public sealed record Stored(long InboundId) : ReceiveOutcome;

    public sealed record Duplicate : ReceiveOutcome;

}

/// <summary>The critical-value loop: store and route, acknowledge with read-back, handle, escalate. Every change is one
/// transaction with its audit step and, for the handling, the outbox message that tells LIS/PACS.</summary>
public sealed class AlertService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<AlertsOptions> options,
    DoctorPresence presence,
    AlertNotifier notifier,
    OutboxWriter outbox,
    TimeProvider time,
    ILogger<AlertService> logger)
{
    public const string LisDestination = "lis";

    /// <summary>Stores an inbound event (already authenticated and validated at the boundary) and routes what it carries.</summary>
    /// <param name="data">The parsed <c>data</c> of the event: <see cref="CriticalValueData"/>, <see cref="ResultEventData"/>
    /// or null for types that are only stored.</param>
    public async Task<ReceiveOutcome> ReceiveAsync(string source, WebhookEnvelope envelope, object? data, string payload, CancellationToken cancellationToken)
    {
        var critical = data as CriticalValueData;
        var result = data as ResultEventData;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.InboundEvents.AnyAsync(e => e.Source == source && e.EventId == envelope.EventId, cancellationToken))
            return new ReceiveOutcome.Duplicate();
        var inbound = new InboundEvent { Source = source, EventId = envelope.EventId, Type = envelope.Type, ReceivedAt = now, PayloadJson = payload };
        db.InboundEvents.Add(inbound);
        CriticalValueAlert? alert = null;
        // Presence is shared by every portal instance (database rows with expiry), read before the transaction.
        var orderingOnline = critical is not null && await presence.IsOnlineAsync(critical.OrderingDoctorId, cancellationToken);
        if (critical is not null)
        {
            alert = new CriticalValueAlert
            {
                Source = source, EventId = envelope.EventId, SourceRecordId = critical.RecordId, Tier = critical.Tier ?? AlertTiers.Critical,
                PatientId = critical.PatientId, PatientName = critical.PatientName, EncounterId = critical.EncounterId,
                ItemCode = critical.ItemCode ?? "", ItemName = critical.ItemName, Value = critical.Value, Unit = critical.Unit ?? "",
                ReferenceRange = critical.ReferenceRange ?? "", ReportedBy = critical.ReportedBy ?? "",
                ReportedAt = critical.ReportedAt == default ? now : critical.ReportedAt.ToUniversalTime(),
                OrderingDoctorId = critical.OrderingDoctorId, DepartmentCode = critical.DepartmentCode, CreatedAt = now,
            };
            Route(alert, orderingOnline, now);
            db.CriticalValueAlerts.Add(alert);
        }
        if (result is not null && !string.IsNullOrWhiteSpace(result.OrderingDoctorId))
        {
            db.ResultNotifications.Add(new ResultNotification
            {
                DoctorId = result.OrderingDoctorId, PatientId = result.PatientId, PatientName = result.PatientName ?? "",
                Kind = envelope.Type, ItemName = result.ItemName ?? "", CreatedAt = now, // optional fields sent as null: stored empty
            });
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None); // stored before 202; a cancelled request does not undo it
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return new ReceiveOutcome.Duplicate(); // the same event id raced in twice: the unique index kept one
        }
        if (alert is not null)
        {
            await AddStepAsync(alert.Id, "routed", alert.AccountableDoctorId, $"{alert.Tier}; ordering doctor {alert.OrderingDoctorId}" +
                                                                         (orderingOnline ? " online" : " offline"));
            logger.LogWarning("Critical value {Item} {Value} {Unit} for {Patient} routed to {Doctor}", alert.ItemName, alert.Value, alert.Unit,
                alert.PatientId, alert.AccountableDoctorId);
            notifier.Publish(alert);
        }
        if (result is not null) notifier.PublishResult(result.PatientId);
        return new ReceiveOutcome.Stored(inbound.Id);
    }

    /// <summary>One accountable recipient: the ordering doctor if online, else the department's on-duty doctor, else the
    /// department head, else medical affairs.</summary>
    private void Route(CriticalValueAlert alert, bool orderingOnline, DateTime now)
    {
        var o = options.CurrentValue;
        alert.AccountableDoctorId = orderingOnline ? alert.OrderingDoctorId
            : o.OnDuty.GetValueOrDefault(alert.DepartmentCode) ?? o.DepartmentHeads.GetValueOrDefault(alert.DepartmentCode) ?? alert.OrderingDoctorId;
        alert.NextEscalationAt = now + (alert.Tier == AlertTiers.Critical ? o.EscalateToDepartmentAfter : o.SignificantWindow);
    }

    /// <summary>Open alerts a doctor must act on (accountable or ordering), oldest first: replayed on every (re)connect.</summary>
    public async Task<IReadOnlyList<CriticalValueAlert>> OpenForAsync(string doctorId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CriticalValueAlerts.AsNoTracking()
            .Where(a => a.Status != AlertStatuses.Handled && (a.AccountableDoctorId == doctorId || a.OrderingDoctorId == doctorId))
            .OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Records the read-back attestation. Only the accountable or the ordering doctor may acknowledge. Two
    /// acknowledgements (or an escalation) racing on several instances: the version check lets one write; the other
    /// reads again and sees the alert already acknowledged.</summary>
    public Task<CriticalValueAlert> AcknowledgeAsync(long alertId, string doctorId, string readBack, CancellationToken cancellationToken)
    {
        // Decided on the first read: an escalation committed while the doctor read back does not take the right away.
        bool? allowed = null;
        return WithFreshAlertAsync(alertId, cancellationToken, (db, alert) =>
        {
            allowed ??= alert.AccountableDoctorId == doctorId || alert.OrderingDoctorId == doctorId;
            if (allowed != true) throw new InvalidOperationException("Only the accountable or the ordering doctor can acknowledge this alert.");
            if (alert.Status != AlertStatuses.Open) return false;
            alert.Status = AlertStatuses.Acknowledged;
            alert.AcknowledgedAt = time.GetUtcNow().UtcDateTime;
            alert.AcknowledgedBy = doctorId;
            alert.ReadBack = readBack;
            alert.NextEscalationAt = null;
            db.AlertSteps.Add(new AlertStep { AlertId = alert.Id, At = alert.AcknowledgedAt.Value, Kind = "acknowledged", To = doctorId, Detail = readBack });
            return true;
        });
    }

    /// <summary>Records the handling and, in the same transaction, the outbox message for LIS/PACS.</summary>
    public async Task<CriticalValueAlert> HandleAsync(long alertId, string doctorId, string doctorName, string note, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Length > 500) throw new ArgumentException("A handling note (at most 500 characters) is required.", nameof(note));
        var queued = false;
        var alert = await WithFreshAlertAsync(alertId, cancellationToken, (db, alert) =>
        {
            if (alert.Status == AlertStatuses.Open) throw new InvalidOperationException("Acknowledge with read-back first.");
            if (alert.Status == AlertStatuses.Handled) return false;
            var now = time.GetUtcNow().UtcDateTime;
            alert.Status = AlertStatuses.Handled;
            alert.HandledAt = now;
            alert.HandledBy = doctorId;
            alert.HandlingNote = note.Trim();
            db.AlertSteps.Add(new AlertStep { AlertId = alert.Id, At = now, Kind = "handled", To = doctorId, Detail = alert.HandlingNote });
            var messageId = $"cv-{alert.Id}-handling";
            outbox.Add(db, messageId, LisDestination, "critical-value-handling", orderingKey: $"cv-{alert.Id}",
                JsonSerializer.Serialize(new LisHandling(messageId, alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    alert.SourceRecordId, doctorId, doctorName, alert.AcknowledgedAt!.Value, now, alert.HandlingNote), JsonSerializerOptions.Web));
            queued = true;
            return true;
        });
        if (queued) outbox.Signal();
        return alert;
    }

    /// <summary>Reads the alert, lets <paramref name="change"/> modify it (returns false when there is nothing to do),
    /// saves with the version check and publishes; on a concurrent change it reads the alert again and retries.</summary>
    private async Task<CriticalValueAlert> WithFreshAlertAsync(long alertId, CancellationToken cancellationToken,
        Func<PortalDbContext, CriticalValueAlert, bool> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var alert = await db.CriticalValueAlerts.SingleAsync(a => a.Id == alertId, cancellationToken);
            if (!change(db, alert)) return alert;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                logger.LogInformation("Alert {Alert} changed concurrently; reading it again", alertId);
                continue;
            }
            notifier.Publish(alert);
            return alert;
        }
    }

    /// <summary>Fires due escalation timers; returns how many alerts moved up.</summary>
    public async Task<int> EscalateDueAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
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
            var to = level == 1
                ? o.DepartmentHeads.GetValueOrDefault(alert.DepartmentCode) ?? o.OnDuty.GetValueOrDefault(alert.DepartmentCode) ?? o.MedicalAffairs
                : o.MedicalAffairs;
            var toAffairs = alert.CreatedAt + o.EscalateToMedicalAffairsAfter;
            DateTime? next = level == 1 ? (toAffairs > now ? toAffairs : now) : null;

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
                AlertId = alert.Id, At = now, Kind = "escalated", To = to,
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

    public async Task<IReadOnlyList<ResultNotification>> UnreadResultsAsync(string doctorId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ResultNotifications.AsNoTracking().Where(n => n.DoctorId == doctorId && n.ReadAt == null)
            .OrderByDescending(n => n.CreatedAt).Take(20).ToListAsync(cancellationToken);
    }

    /// <summary>Marks notifications read; they never come back as new after a reconnect.</summary>
    public async Task MarkReadAsync(string doctorId, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ResultNotifications.Where(n => n.DoctorId == doctorId && ids.Contains(n.Id) && n.ReadAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), cancellationToken);
    }

    /// <summary>Recent alerts with their steps, newest first (quality review).</summary>
    public async Task<IReadOnlyList<(CriticalValueAlert Alert, IReadOnlyList<AlertStep> Steps)>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = await db.CriticalValueAlerts.AsNoTracking().OrderByDescending(a => a.CreatedAt).Take(count).ToListAsync(cancellationToken);
        var ids = alerts.Select(a => a.Id).ToList();
        var steps = await db.AlertSteps.AsNoTracking().Where(s => ids.Contains(s.AlertId)).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return alerts.Select(a => (a, (IReadOnlyList<AlertStep>)steps.Where(s => s.AlertId == a.Id).ToList())).ToList();
    }

    public async Task<IReadOnlyList<AlertStep>> StepsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AlertSteps.AsNoTracking().Where(s => s.AlertId == alertId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
    }

    private async Task AddStepAsync(long alertId, string kind, string? to, string? detail)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.AlertSteps.Add(new AlertStep { AlertId = alertId, At = time.GetUtcNow().UtcDateTime, Kind = kind, To = to, Detail = detail });
        await db.SaveChangesAsync();
    }
}

/// <summary>What LIS/PACS receives for a handled critical value (idempotent by <see cref="MessageId"/>).</summary>
public sealed record LisHandling(string MessageId, string AlertId, string SourceEventId, string DoctorCode, string DoctorName,
    DateTime AcknowledgedAt, DateTime? HandledAt, string? HandlingNote);
