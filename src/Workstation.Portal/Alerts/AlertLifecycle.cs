using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>What doctors do with an alert: read back and acknowledge, then handle; the handling goes to LIS/PACS through
/// the outbox in the same transaction. Each change is one transaction with its step, checked against the alert's version
/// (two doctors on two instances are recorded once). Also the doctor's open alerts and result notices.</summary>
internal sealed class AlertLifecycle(
    IDbContextFactory<PortalDbContext> dbFactory,
    AlertNotifier notifier,
    OutboxWriter outbox,
    TimeProvider time,
    ILogger<AlertLifecycle> logger) : IAlertActions, IDoctorAlerts
{
    /// <summary>Open alerts a doctor must act on (accountable or ordering), oldest first: replayed on every (re)connect.</summary>
    public async Task<IReadOnlyList<CriticalValueAlert>> OpenForAsync(string doctorId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CriticalValueAlerts.AsNoTracking()
            .Where(a => a.Status != AlertStatuses.Handled && (a.AccountableDoctorId == doctorId || a.OrderingDoctorId == doctorId)) // AlertRouting.Concerns
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
            allowed ??= AlertRouting.Concerns(alert, doctorId);
            if (allowed != true) throw new AlertRefusedException(AlertRefusal.NotYours);
            if (alert.Status != AlertStatuses.Open) return false;
            alert.Status = AlertStatuses.Acknowledged;
            alert.AcknowledgedAt = time.GetUtcNow().UtcDateTime;
            alert.AcknowledgedBy = doctorId;
            alert.ReadBack = readBack;
            alert.NextEscalationAt = null;
            db.AlertSteps.Add(new AlertStep { AlertId = alert.Id, At = alert.AcknowledgedAt.Value, Kind = AlertStepKinds.Acknowledged, To = doctorId, Detail = readBack });
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
            if (alert.Status == AlertStatuses.Open) throw new AlertRefusedException(AlertRefusal.ReadBackFirst);
            if (alert.Status == AlertStatuses.Handled) return false;
            var now = time.GetUtcNow().UtcDateTime;
            alert.Status = AlertStatuses.Handled;
            alert.HandledAt = now;
            alert.HandledBy = doctorId;
            alert.HandlingNote = note.Trim();
            db.AlertSteps.Add(new AlertStep { AlertId = alert.Id, At = now, Kind = AlertStepKinds.Handled, To = doctorId, Detail = alert.HandlingNote });
            var messageId = $"cv-{alert.Id}-handling";
            outbox.Add(db, messageId, LisHandlingSender.Destination, "critical-value-handling", orderingKey: $"cv-{alert.Id}",
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
}

/// <summary>Why a doctor's action on an alert was refused.</summary>
internal enum AlertRefusal
{
    /// <summary>Only the accountable or the ordering doctor may acknowledge.</summary>
    NotYours,
    /// <summary>A handling needs the read-back first.</summary>
    ReadBackFirst,
}

/// <summary>A doctor's action on an alert that the rules refuse (the page says why in plain words).</summary>
internal sealed class AlertRefusedException(AlertRefusal refusal) : InvalidOperationException($"Alert action refused: {refusal}")
{
    public AlertRefusal Refusal { get; } = refusal;
}

/// <summary>What LIS/PACS receives for a handled critical value (idempotent by <see cref="MessageId"/>).</summary>
internal sealed record LisHandling(string MessageId, string AlertId, string SourceEventId, string DoctorCode, string DoctorName,
    DateTime AcknowledgedAt, DateTime? HandledAt, string? HandlingNote);
