namespace Workstation.Portal.Orders;

/// <summary>One duplicate check of an order draft, kept whatever its outcome ("not-checked" ones are re-checked later).</summary>
internal sealed class OrderCheck
{
    public string Id { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string EncounterId { get; set; } = "";

    public string DraftOrderId { get; set; } = "";

    public string Stage { get; set; } = "";

    /// <summary><see cref="OrderCheckStatus"/>.</summary>
    public string Status { get; set; } = "";

    /// <summary>Why it was not checked (a <c>PlatformFailure</c> name).</summary>
    public string? Reason { get; set; }

    /// <summary>The launch context (JSON): who ordered, for whom.</summary>
    public string ContextJson { get; set; } = "";

    /// <summary>Who ordered, where (from the launch context: every review filter applies to the checks too).</summary>
    public string DepartmentCode { get; set; } = "";

    public string DoctorId { get; set; } = "";

    public string Setting { get; set; } = "";

    /// <summary>How the check reached the portal: <see cref="CheckChannels"/>.</summary>
    public string Channel { get; set; } = CheckChannels.Portal;

    /// <summary>The lines' item codes, each between commas (",L001,L002,"): the review's item filter.</summary>
    public string ItemCodes { get; set; } = "";

    /// <summary>Could not be checked at order time (kept when a later re-check reconciles it).</summary>
    public bool WasNotChecked { get; set; }

    /// <summary>The lines as sent and, when checked, their duplicates (JSON).</summary>
    public string LinesJson { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? RecheckedAt { get; set; }

    /// <summary>A re-check pass holds this check until then: with several portal instances only one re-checks it.</summary>
    public DateTime? RecheckClaimedUntil { get; set; }
}

internal static class OrderCheckStatus
{
    public const string Clear = "clear";
    public const string Duplicates = "duplicates";
    public const string NotChecked = "not-checked";

    /// <summary>Not checked at order time; a later re-check found a duplicate the doctor must be shown.</summary>
    public const string LateDuplicates = "late-duplicates";
}

/// <summary>A doctor's 互认 / 不互认 decision for one order line that duplicated a recognisable result.</summary>
public sealed class RecognitionDecision
{
    public long Id { get; set; }

    /// <summary>Opaque token HIS keeps with the order line and sends back to validate the save.</summary>
    public string DecisionToken { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string EncounterId { get; set; } = "";

    public string DraftOrderId { get; set; } = "";

    public string LineId { get; set; } = "";

    public string ItemCode { get; set; } = "";

    public string ItemName { get; set; } = "";

    public string ReportId { get; set; } = "";

    public string ReportInstitution { get; set; } = "";

    public DateTime ReportDate { get; set; }

    /// <summary><see cref="DecisionChoices"/>.</summary>
    public string Choice { get; set; } = "";

    /// <summary>Comma-separated <see cref="DeclineReasons"/> codes (empty for 互认).</summary>
    public string ReasonCodes { get; set; } = "";

    public string? FreeText { get; set; }

    public string DoctorId { get; set; } = "";

    public string DoctorName { get; set; } = "";

    public string DepartmentCode { get; set; } = "";

    public string DepartmentName { get; set; } = "";

    public string PatientId { get; set; } = "";

    public string PatientName { get; set; } = "";

    public string Setting { get; set; } = "";

    /// <summary>How the check the decision answers reached the portal: <see cref="CheckChannels"/>.</summary>
    public string Channel { get; set; } = CheckChannels.Portal;

    public string Stage { get; set; } = "";

    public string CheckId { get; set; } = "";

    /// <summary>When the dialog opened (the check), and when the doctor decided.</summary>
    public DateTime PresentedAt { get; set; }

    public DateTime DecidedAt { get; set; }

    /// <summary>For 互认: "pending" until the report is downloaded and kept, then "retained".</summary>
    public string RetainStatus { get; set; } = "";
}

/// <summary>A recognised report downloaded from the platform and kept with the encounter (structured data + PDF).</summary>
internal sealed class RetainedReport
{
    public long Id { get; set; }

    public string ClientId { get; set; } = "";

    public string EncounterId { get; set; } = "";

    public string ReportId { get; set; } = "";

    public long DecisionId { get; set; }

    public string ItemCode { get; set; } = "";

    public string ItemName { get; set; } = "";

    public string InstitutionName { get; set; } = "";

    public DateTime ReportDate { get; set; }

    /// <summary>The platform's <c>ReportDetail</c> as JSON.</summary>
    public string DetailJson { get; set; } = "";

    public byte[] Pdf { get; set; } = [];

    public DateTime RetainedAt { get; set; }
}

/// <summary>How an order check reached the portal; its decisions carry it into the review.</summary>
internal static class CheckChannels
{
    /// <summary>The portal's own pages (the embedded badge and list).</summary>
    public const string Portal = "portal";

    /// <summary>HIS through <c>POST /api/v1/orders/check</c> (the decision made on the decision page it links to).</summary>
    public const string HisApi = "his-api";

    /// <summary>An EHR through the CDS Hooks service (the decision reported as card feedback).</summary>
    public const string CdsHooks = "cds-hooks";

    public static readonly IReadOnlyList<string> All = [Portal, HisApi, CdsHooks];
}
