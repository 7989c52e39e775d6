namespace Workstation.Platform.Contract;

/// <summary>Patient master data upload.</summary>
public sealed record PatientUpload(PatientIdentity Patient, string Sex, DateOnly BirthDate, string? Phone, string HospitalPatientId);

/// <summary>Department dictionary entry upload.</summary>
public sealed record DepartmentUpload(string Code, string Name, string? ParentCode, bool Active);

/// <summary>Staff dictionary entry upload.</summary>
public sealed record StaffUpload(string Code, string Name, string DepartmentCode, string Title, bool Active);

/// <summary>Lab report data upload (检验数据).</summary>
public sealed record LabReportUpload(
    string ReportId,
    PatientIdentity Patient,
    string ItemCode,
    string DepartmentCode,
    string ReporterCode,
    string ApproverCode,
    DateTime ApprovedAt,
    IReadOnlyList<LabResult> Results);

/// <summary>Exam report data upload (检查数据).</summary>
public sealed record ExamReportUpload(
    string ReportId,
    PatientIdentity Patient,
    string ItemCode,
    string DepartmentCode,
    string ReporterCode,
    string ApproverCode,
    DateTime ApprovedAt,
    string Findings,
    string Impression,
    string? ImageViewerUrl);

/// <summary>Report PDF upload; the PDF travels base64-encoded in JSON.</summary>
public sealed record ReportPdfUpload(string ReportId, string PdfBase64);

/// <summary>Revocation of a previously uploaded report.</summary>
public sealed record ReportRevocation(string ReportId, string Reason);

/// <summary>Receipt the platform returns for an accepted upload.</summary>
public sealed record UploadReceipt(string ReceiptId, DateTime AcceptedAt);

/// <summary>Token request (username + password).</summary>
public sealed record TokenRequest(string Username, string Password);

/// <summary>Token with its lifetime in seconds.</summary>
public sealed record TokenData(string Token, int ExpiresIn);
