using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Validation.Embedded;

namespace Workstation.Portal.Alerts;

/// <summary>The webhook event types the alerts feature acts on (Inbound stores every event; see docs/webhooks.md).</summary>
public static class WebhookEventTypes
{
    public const string CriticalValue = "critical-value";
    public const string ReportReady = "report-ready";
    public const string ReportRevoked = "report-revoked";
}

/// <summary>The data of a critical-value event.</summary>
[ValidatableType]
public sealed class CriticalValueData
{
    [Required, StringLength(100)]
    public string PatientId { get; set; } = "";

    [Required, StringLength(100)]
    public string PatientName { get; set; } = "";

    [Required, StringLength(100)]
    public string EncounterId { get; set; } = "";

    [StringLength(100)]
    public string ItemCode { get; set; } = "";

    [Required, StringLength(100)]
    public string ItemName { get; set; } = "";

    [Required, StringLength(100)]
    public string Value { get; set; } = "";

    [StringLength(40)]
    public string Unit { get; set; } = "";

    [StringLength(100)]
    public string ReferenceRange { get; set; } = "";

    /// <summary>critical (blocking) or significant (banner); critical when absent.</summary>
    [AllowedValues(null, AlertTiers.Critical, AlertTiers.Significant)]
    public string? Tier { get; set; }

    [StringLength(100)]
    public string ReportedBy { get; set; } = "";

    public DateTime ReportedAt { get; set; }

    [Required, StringLength(100)]
    public string RecordId { get; set; } = "";

    /// <summary>The specimen (barcode) number; repeat results of one specimen share it.</summary>
    [StringLength(100)]
    public string? SpecimenId { get; set; }

    [Required, StringLength(100)]
    public string OrderingDoctorId { get; set; } = "";

    [Required, StringLength(100)]
    public string DepartmentCode { get; set; } = "";
}

/// <summary>The data of a report-ready / report-revoked event.</summary>
[ValidatableType]
public sealed class ResultEventData
{
    [Required, StringLength(100)]
    public string PatientId { get; set; } = "";

    [StringLength(100)]
    public string PatientName { get; set; } = "";

    [StringLength(100)]
    public string OrderingDoctorId { get; set; } = "";

    [StringLength(100)]
    public string ItemName { get; set; } = "";
}
