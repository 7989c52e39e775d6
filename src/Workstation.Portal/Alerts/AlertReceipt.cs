using System.Text.Json;
using Workstation.Portal.Hosting;
using Workstation.Portal.Inbound;
using Workstation.Portal.Presence;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>A critical value arrives (a signed <c>critical-value</c> event from LIS or PACS): the alert, routed to one
/// accountable doctor, and its "routed" step are stored in the transaction that stores the event, before 202; then every
/// instance's circuits and hub connections are told.</summary>
internal sealed class AlertReceipt(
    RequestValidator validator, DoctorPresence presence, AlertRouting routing, AlertNotifier notifier, TimeProvider time,
    ILogger<AlertReceipt> logger) : IInboundEventHandler
{
    public bool Handles(string source, string type) => type == WebhookEventTypes.CriticalValue;

    public Task<InboundBinding> BindAsync(JsonElement data, CancellationToken cancellationToken) =>
        InboundData.BindAsync<CriticalValueData>(data, validator, cancellationToken);

    public async Task<Action?> StageAsync(PortalDbContext db, InboundEvent stored, object data, CancellationToken cancellationToken)
    {
        var critical = (CriticalValueData)data;
        var now = time.GetUtcNow().UtcDateTime;
        // Presence is shared by every portal instance (database rows with expiry).
        var orderingOnline = await presence.IsOnlineAsync(critical.OrderingDoctorId, cancellationToken);
        var alert = new CriticalValueAlert
        {
            Source = stored.Source, EventId = stored.EventId, SourceRecordId = critical.RecordId, SpecimenId = critical.SpecimenId ?? "", Tier = critical.Tier ?? AlertTiers.Critical,
            PatientId = critical.PatientId, PatientName = critical.PatientName, EncounterId = critical.EncounterId,
            ItemCode = critical.ItemCode ?? "", ItemName = critical.ItemName, Value = critical.Value, Unit = critical.Unit ?? "",
            ReferenceRange = critical.ReferenceRange ?? "", ReportedBy = critical.ReportedBy ?? "",
            ReportedAt = critical.ReportedAt == default ? now : critical.ReportedAt.ToUniversalTime(),
            OrderingDoctorId = critical.OrderingDoctorId, DepartmentCode = critical.DepartmentCode, CreatedAt = now,
        };
        (alert.AccountableDoctorId, var next) = routing.OnArrival(alert, orderingOnline, now);
        alert.NextEscalationAt = next;
        db.Add(alert);
        db.Add(new AlertStep
        {
            Alert = alert, At = now, Kind = AlertStepKinds.Routed, To = alert.AccountableDoctorId,
            Detail = $"{alert.Tier}; ordering doctor {alert.OrderingDoctorId}" + (orderingOnline ? " online" : " offline"),
        });
        return () =>
        {
            logger.LogWarning("Critical value {Item} {Value} {Unit} for {Patient} routed to {Doctor}", alert.ItemName, alert.Value, alert.Unit,
                alert.PatientId, alert.AccountableDoctorId);
            notifier.Publish(alert);
        };
    }
}

/// <summary>A result became ready or was revoked (<c>report-ready</c> / <c>report-revoked</c>): a notice for its ordering
/// doctor, stored with the event; badges of that patient refresh on every instance.</summary>
internal sealed class ResultNoticeReceipt(RequestValidator validator, AlertNotifier notifier, TimeProvider time) : IInboundEventHandler
{
    public bool Handles(string source, string type) => type is WebhookEventTypes.ReportReady or WebhookEventTypes.ReportRevoked;

    public Task<InboundBinding> BindAsync(JsonElement data, CancellationToken cancellationToken) =>
        InboundData.BindAsync<ResultEventData>(data, validator, cancellationToken);

    public Task<Action?> StageAsync(PortalDbContext db, InboundEvent stored, object data, CancellationToken cancellationToken)
    {
        var result = (ResultEventData)data;
        if (!string.IsNullOrWhiteSpace(result.OrderingDoctorId))
        {
            db.Add(new ResultNotification
            {
                DoctorId = result.OrderingDoctorId, PatientId = result.PatientId, PatientName = result.PatientName ?? "",
                Kind = stored.Type, ItemName = result.ItemName ?? "", CreatedAt = time.GetUtcNow().UtcDateTime, // optional fields sent as null: stored empty
            });
        }
        return Task.FromResult<Action?>(() => notifier.PublishResult(result.PatientId));
    }
}
