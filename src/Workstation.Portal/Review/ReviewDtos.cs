namespace Workstation.Portal.Review;

/// <summary>One page of a bounded list.</summary>
public sealed record ReviewPage<T>(int Total, int Page, int PageSize, IReadOnlyList<T> Items);

/// <summary>A recognition decision as quality officers read it (never editable).</summary>
public sealed record DecisionRow(
    long Id, DateTime DecidedAt, DateTime PresentedAt, string DepartmentCode, string DepartmentName, string DoctorId, string DoctorName,
    string PatientId, string PatientName, string Setting, string ItemCode, string ItemName, string Institution, DateTime ReportDate,
    string Outcome, IReadOnlyList<string> Reasons, string? FreeText, string RetainStatus, string? LatestMark)
{
    /// <summary>How the check reached the portal: portal, his-api or cds-hooks.</summary>
    public string Channel { get; init; } = Orders.CheckChannels.Portal;
}

/// <summary>An order check that could not be checked at order time, and whether it was reconciled later.</summary>
public sealed record NotCheckedRow(
    string CheckId, DateTime CreatedAt, string Status, string? Reason, DateTime? RecheckedAt, string DepartmentCode, string DepartmentName,
    string DoctorId, string DoctorName, string PatientId, string Setting, string Items);

/// <summary>One step of a decision's history.</summary>
/// <param name="Kind">checked | not-checked | rechecked | presented | decided | retained | retain-pending | decided-again | marked.</param>
public sealed record TimelineStep(DateTime? At, string Kind, string? Detail);

public sealed record MarkRow(long Id, long DecisionId, string Kind, string? Comment, string Reviewer, DateTime MarkedAt,
    string DepartmentCode, string DoctorId, string DoctorName);

/// <summary>A decision with the matched report, the order line, the doctor, its timeline and its review marks.</summary>
public sealed record DecisionDetail(
    DecisionRow Decision, string ReportId, string ClientId, string EncounterId, string DraftOrderId, string LineId, string Stage,
    IReadOnlyList<TimelineStep> Timeline, IReadOnlyList<MarkRow> Marks);

/// <summary>Body of <c>POST /api/v1/review/decisions/{id}/marks</c>.</summary>
internal sealed class MarkRequest
{
    /// <summary>appropriate | questionable.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Optional feedback for the doctor (≤ 500 characters).</summary>
    public string? Comment { get; set; }
}

/// <summary>Review marks per department and doctor, for feedback.</summary>
public sealed record MarkTally(string DepartmentCode, string DoctorId, string DoctorName, int Appropriate, int Questionable);

/// <summary>One line of the audit trail.</summary>
/// <param name="Source">"audit" (an audit event) or "decision" (a doctor's decision, id negated).</param>
internal sealed record AuditRow(long Id, DateTime At, string Actor, string Action, string? Subject, string? Detail, string Source);

/// <summary>Filter of the audit trail (dates are local days, <c>To</c> inclusive).</summary>
internal sealed record AuditFilter(DateOnly? From, DateOnly? To, string? Actor, string? Action, int Page = 1, int PageSize = ReviewFilter.DefaultPageSize);

/// <summary>A department or doctor that appears in the decisions (for the filter lists).</summary>
public sealed record NamedCode(string Code, string Name);
