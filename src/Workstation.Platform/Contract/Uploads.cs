namespace Workstation.Platform.Contract;

/// <summary>Patient master data upload.</summary>
public sealed record PatientUpload(PatientIdentity Patient, string Sex, DateOnly BirthDate, string? Phone, string HospitalPatientId);

/// <summary>Department dictionary entry upload.</summary>
public sealed record DepartmentUpload(string Code, string Name, string? ParentCode, bool Active);

/// <summary>Staff dictionary entry upload.</summary>
public sealed record StaffUpload(string Code, string Name, string DepartmentCode, string Title, bool Active);

/// <summary>What lab and exam report uploads share beyond their required fields (public specifications of this kind);
/// the platform checks them when present.</summary>
public abstract record ReportUploadDetails
{
    /// <summary>最终 (final) or 临时 (preliminary).</summary>
    public string? ReportStatus { get; init; }

    /// <summary>电子申请单编号.</summary>
    public string? RequestNumber { get; init; }

    /// <summary>Reporting institution code.</summary>
    public string? InstitutionCode { get; init; }

    /// <summary>Every recognition item code (互认编码) the report covers; the required item code is the first.</summary>
    public IReadOnlyList<string>? ItemCodes { get; init; }

    /// <summary>是否互认.</summary>
    public bool? Recognisable { get; init; }

    /// <summary>作废标志: true for a voided report.</summary>
    public bool? Void { get; init; }

    public string? ReporterName { get; init; }

    public DateTime? ReportedAt { get; init; }

    public string? ApproverName { get; init; }

    /// <summary>CA签名值 over the report data (a placeholder digest in the demo).</summary>
    public string? Signature { get; init; }
}

/// <summary>Lab report data upload (检验数据). The positional fields are what every platform of this kind requires; the
/// others are the fuller report the public specifications describe (checked by the platform when present).</summary>
public sealed record LabReportUpload(
    string ReportId,
    PatientIdentity Patient,
    string ItemCode,
    string DepartmentCode,
    string ReporterCode,
    string ApproverCode,
    DateTime ApprovedAt,
    IReadOnlyList<LabResult> Results) : ReportUploadDetails
{
    public LabSpecimenUpload? Specimen { get; init; }

    public string? TechnicianCode { get; init; }
}

/// <summary>The specimen of a lab report upload: category code and name, number, collected and received times.</summary>
public sealed record LabSpecimenUpload(string CategoryCode, string CategoryName, string Number, DateTime CollectedAt, DateTime ReceivedAt);

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
    string? ImageViewerUrl) : ReportUploadDetails
{
    /// <summary>Modality or exam category (CT, MR, DR, US ...).</summary>
    public string? Modality { get; init; }

    /// <summary>检查部位.</summary>
    public string? BodyPart { get; init; }

    public DateTime? ExaminedAt { get; init; }

    /// <summary>建议.</summary>
    public string? Advice { get; init; }

    /// <summary>阳性 (true) / 阴性 (false).</summary>
    public bool? Positive { get; init; }

    public string? StudyNumber { get; init; }

    public string? StudyInstanceUid { get; init; }

    public int? ImageCount { get; init; }
}

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
