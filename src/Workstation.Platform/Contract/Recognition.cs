namespace Workstation.Platform.Contract;

/// <summary>Report kinds: lab (检验) or exam (检查).</summary>
public static class ReportKinds
{
    public const string Lab = "lab";
    public const string Exam = "exam";
}

/// <summary>One report another institution produced that the platform may let this hospital recognise.</summary>
/// <param name="ReportId">Platform-wide report id.</param>
/// <param name="Kind"><see cref="ReportKinds"/>.</param>
/// <param name="ItemCode">Recognition item catalogue code.</param>
/// <param name="ItemName">Item name as the platform shows it.</param>
/// <param name="InstitutionCode">Producing institution's code.</param>
/// <param name="InstitutionName">Producing institution's name.</param>
/// <param name="ReportDate">When the report was approved (UTC).</param>
/// <param name="ValidUntil">End of the item's validity window (UTC).</param>
/// <param name="Recognisable">False once expired or revoked.</param>
/// <param name="RecognitionMark">The platform's mark, e.g. "HR" (互认) for nationally recognised items.</param>
/// <param name="ResultSummary">Short result summary for lists.</param>
public sealed record RecognisableReport(
    string ReportId,
    string Kind,
    string ItemCode,
    string ItemName,
    string InstitutionCode,
    string InstitutionName,
    DateTime ReportDate,
    DateTime ValidUntil,
    bool Recognisable,
    string RecognitionMark,
    string ResultSummary);

/// <summary>Request for the recognition list of a patient.</summary>
public sealed record RecognitionListRequest(PatientIdentity Patient);

/// <summary>The recognition list: count of recognisable reports, the items, and the platform's own page.</summary>
public sealed record RecognitionListData(int Count, IReadOnlyList<RecognisableReport> Items, string PageUrl);

/// <summary>Precise query: reports for one item, optionally one institution and a date range.</summary>
public sealed record PreciseQueryRequest(
    PatientIdentity Patient,
    string ItemCode,
    string? InstitutionCode = null,
    DateOnly? From = null,
    DateOnly? To = null);

/// <summary>Reports matching a precise query.</summary>
public sealed record PreciseQueryData(IReadOnlyList<RecognisableReport> Reports);

/// <summary>One order line to check: the HIS line id and the item.</summary>
public sealed record OrderCheckItem(string LineId, string ItemCode);

/// <summary>Order save-check request.</summary>
public sealed record OrderCheckRequest(PatientIdentity Patient, IReadOnlyList<OrderCheckItem> Items);

/// <summary>Per-line verdict of an order save-check.</summary>
public sealed record OrderCheckResult(string LineId, string ItemCode, bool Duplicate, IReadOnlyList<string> ReportIds);

/// <summary>Order save-check verdicts.</summary>
public sealed record OrderCheckData(IReadOnlyList<OrderCheckResult> Items);

/// <summary>One lab analyte result.</summary>
/// <param name="Flag">"N" normal, "H" high, "L" low, "C" critical.</param>
public sealed record LabResult(string Code, string Name, string Value, string Unit, string ReferenceRange, string Flag)
{
    /// <summary>定性结果 (e.g. 阴性(-)), when the analyte has one.</summary>
    public string? QualitativeResult { get; init; }
}

/// <summary>A full report as downloaded for recognition.</summary>
public sealed record ReportDetail(
    RecognisableReport Report,
    IReadOnlyList<LabResult> LabResults,
    string? Findings,
    string? Impression,
    string PdfUrl,
    string? ImageViewerUrl,
    string PageUrl);
