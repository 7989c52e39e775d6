namespace Workstation.Portal.Alerts;

/// <summary>Tier of a critical result (CLSI GP47): critical-risk blocks at once; significant-risk within a window.</summary>
internal static class AlertTiers
{
    public const string Critical = "critical";
    public const string Significant = "significant";
}

internal static class AlertStatuses
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Handled = "handled";
}

/// <summary>A critical value reported by LIS/PACS, with who is accountable for it now and what was done.</summary>
public sealed class CriticalValueAlert : Storage.IVersioned
{
    public long Id { get; set; }

    public string Source { get; set; } = "";

    public string EventId { get; set; } = "";

    /// <summary>The reporting system's own id for the result (closed loop key).</summary>
    public string SourceRecordId { get; set; } = "";

    /// <summary>The specimen (barcode) number: repeat results of one specimen are one critical value in the national
    /// indicators. Empty when the reporting system does not send it (each result then counts).</summary>
    public string SpecimenId { get; set; } = "";

    public string Tier { get; set; } = AlertTiers.Critical;

    public string PatientId { get; set; } = "";

    public string PatientName { get; set; } = "";

    public string EncounterId { get; set; } = "";

    public string ItemCode { get; set; } = "";

    public string ItemName { get; set; } = "";

    public string Value { get; set; } = "";

    public string Unit { get; set; } = "";

    public string ReferenceRange { get; set; } = "";

    public string ReportedBy { get; set; } = "";

    public DateTime ReportedAt { get; set; }

    public string OrderingDoctorId { get; set; } = "";

    public string DepartmentCode { get; set; } = "";

    /// <summary>The one clinician accountable now (others may see it for awareness).</summary>
    public string AccountableDoctorId { get; set; } = "";

    /// <summary>0 ordering / on-duty doctor, 1 department head, 2 medical affairs.</summary>
    public int EscalationLevel { get; set; }

    /// <summary>When the next escalation fires if still unacknowledged (persisted: a restart forgets nothing).</summary>
    public DateTime? NextEscalationAt { get; set; }

    public string Status { get; set; } = AlertStatuses.Open;

    public DateTime CreatedAt { get; set; }

    public DateTime? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    /// <summary>What the doctor confirmed in the read-back (patient, item, value, unit), as text.</summary>
    public string? ReadBack { get; set; }

    public DateTime? HandledAt { get; set; }

    public string? HandledBy { get; set; }

    public string? HandlingNote { get; set; }

    /// <summary>Optimistic concurrency token: acknowledgement, handling and escalation never overwrite each other.</summary>
    public int Version { get; set; }
}

/// <summary>Every routing and escalation step of an alert, visible to quality officers.</summary>
internal sealed class AlertStep
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    /// <summary>Set instead of <see cref="AlertId"/> when the step is stored with a new alert (one transaction).</summary>
    public CriticalValueAlert? Alert { get; set; }

    public DateTime At { get; set; }

    /// <summary>routed | escalated | acknowledged | handled | delivered.</summary>
    public string Kind { get; set; } = "";

    public string? To { get; set; }

    public string? Detail { get; set; }
}

/// <summary>A result-ready or revoked notice for a doctor; read ones never come back as new.</summary>
internal sealed class ResultNotification
{
    public long Id { get; set; }

    public string DoctorId { get; set; } = "";

    public string PatientId { get; set; } = "";

    public string PatientName { get; set; } = "";

    public string Kind { get; set; } = "";

    public string ItemName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }
}
