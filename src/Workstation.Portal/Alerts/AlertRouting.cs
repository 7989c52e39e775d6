using Microsoft.Extensions.Options;

namespace Workstation.Portal.Alerts;

/// <summary>Who is accountable for a critical value, in one place: the ordering doctor if online, else the department's
/// on-duty doctor, else the department head, else the ordering doctor anyway (the alert waits for them and escalates);
/// unacknowledged, it moves up to the department head, then to medical affairs. Receipt, escalation and every page that
/// asks "does this alert concern this doctor?" use this rule.</summary>
internal sealed class AlertRouting(IOptionsMonitor<AlertsOptions> options)
{
    /// <summary>The accountable doctor when the alert arrives, and when its first escalation is due.</summary>
    public (string Accountable, DateTime NextEscalationAt) OnArrival(CriticalValueAlert alert, bool orderingOnline, DateTime now)
    {
        var o = options.CurrentValue;
        var accountable = orderingOnline ? alert.OrderingDoctorId
            : o.OnDuty.GetValueOrDefault(alert.DepartmentCode) ?? o.DepartmentHeads.GetValueOrDefault(alert.DepartmentCode) ?? alert.OrderingDoctorId;
        return (accountable, now + (alert.Tier == AlertTiers.Critical ? o.EscalateToDepartmentAfter : o.SignificantWindow));
    }

    /// <summary>Who takes over at escalation <paramref name="level"/> (1: the department, 2: medical affairs) and when the
    /// next escalation is due (none after medical affairs).</summary>
    public (string To, DateTime? Next) Escalation(CriticalValueAlert alert, int level, DateTime now)
    {
        var o = options.CurrentValue;
        var to = level == 1
            ? o.DepartmentHeads.GetValueOrDefault(alert.DepartmentCode) ?? o.OnDuty.GetValueOrDefault(alert.DepartmentCode) ?? o.MedicalAffairs
            : o.MedicalAffairs;
        var toAffairs = alert.CreatedAt + o.EscalateToMedicalAffairsAfter;
        return (to, level == 1 ? (toAffairs > now ? toAffairs : now) : null);
    }

    /// <summary>The doctors who must act on an alert: its accountable doctor and its ordering doctor.</summary>
    public static bool Concerns(CriticalValueAlert alert, string doctorId) =>
        alert.AccountableDoctorId == doctorId || alert.OrderingDoctorId == doctorId;
}

/// <summary>The steps of an alert's timeline (<see cref="AlertStep.Kind"/>), owned here; the review reads them through
/// <see cref="AlertQueries"/>.</summary>
internal static class AlertStepKinds
{
    public const string Routed = "routed";
    public const string Escalated = "escalated";
    public const string Acknowledged = "acknowledged";
    public const string Handled = "handled";
    public const string Delivered = "delivered";
}
