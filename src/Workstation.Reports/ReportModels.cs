namespace Workstation.Reports;

// Structured report data: what the LIS/PACS approved, in the shape a hospital prints it. Codes travel beside the
// names (department, staff, specimen, analyte, recognition item) so the upload feature can map a report to the
// platform's upload contract (LabReportUpload / ExamReportUpload) without looking anything up again.

/// <summary>Whether a report is preliminary (临时报告) or final (最终报告).</summary>
public enum ReportStatus
{
    Final,
    Preliminary,
}

/// <summary>Abnormal flag of one analyte, printed as ↑ / ↓ (↑↑ / ↓↓ for critical values).</summary>
public enum AbnormalFlag
{
    Normal,
    High,
    Low,
    CriticalHigh,
    CriticalLow,
}

/// <summary>The issuing hospital, as printed in the report header.</summary>
/// <param name="Code">Institution code known to the platform.</param>
/// <param name="Name">Full name, e.g. 惠州市第一人民医院.</param>
public sealed record ReportHospital(string Code, string Name);

/// <summary>A coded entry with its display name (department, staff member, specimen category...).</summary>
public sealed record CodedName(string Code, string Name);

/// <summary>The patient block of a report.</summary>
/// <param name="IdType">Identity document type (WS 364 CV02.01.101, "01" resident ID card).</param>
/// <param name="IdNumber">Full document number; printed masked (see <see cref="ReportText.MaskIdNumber"/>).</param>
/// <param name="Sex">As printed: 男 / 女 / 未知.</param>
/// <param name="Age">As printed, with its unit: "45岁", "8月", "12天".</param>
/// <param name="PatientId">Hospital patient id (病人ID).</param>
/// <param name="VisitNumber">Outpatient or inpatient visit number (门诊/住院号).</param>
/// <param name="Bed">Bed number; null for outpatients.</param>
public sealed record ReportPatient(
    string Name,
    string Sex,
    string Age,
    string IdType,
    string IdNumber,
    string PatientId,
    string VisitNumber,
    CodedName Department,
    string? Bed);

/// <summary>What every report shares: who issued it, its numbers, the patient, the staff and the recognition mark.</summary>
/// <param name="ReportNumber">报告单编号, unique within the hospital; the platform's report id.</param>
/// <param name="RequestNumber">电子申请单编号 of the order this report answers.</param>
/// <param name="ItemName">Report title item, e.g. 血常规 or 胸部CT平扫.</param>
/// <param name="RecognitionItemCodes">Recognition catalogue codes this report covers (a panel can cover several).</param>
/// <param name="Recognisable">True when the items are recognised: the report carries the HR (互认) mark.</param>
/// <param name="Reporter">Reporting doctor (报告医师/报告者).</param>
/// <param name="Approver">Approving doctor (审核医师/审核者).</param>
public sealed record ReportHeader(
    ReportHospital Hospital,
    string ReportNumber,
    ReportStatus Status,
    string RequestNumber,
    string ItemName,
    ReportPatient Patient,
    CodedName Reporter,
    DateTimeOffset ReportedAt,
    CodedName Approver,
    DateTimeOffset ApprovedAt,
    IReadOnlyList<string> RecognitionItemCodes,
    bool Recognisable);

/// <summary>The specimen of a lab report.</summary>
/// <param name="Category">Specimen category, e.g. (01, 全血).</param>
/// <param name="Number">Specimen (barcode) number.</param>
public sealed record LabSpecimen(CodedName Category, string Number, DateTimeOffset CollectedAt, DateTimeOffset ReceivedAt);

/// <summary>One analyte row of a lab report.</summary>
/// <param name="Value">Quantitative result as reported ("5.62"); null when the analyte is qualitative only.</param>
/// <param name="QualitativeResult">Qualitative result ("阴性(-)"); null when quantitative only.</param>
/// <param name="ReferenceRange">As printed, e.g. "3.5-9.5" or "阴性".</param>
public sealed record LabAnalyte(
    string Code,
    string Name,
    string? Value,
    string? QualitativeResult,
    string Unit,
    string ReferenceRange,
    AbnormalFlag Flag);

/// <summary>A lab report (检验报告单).</summary>
/// <param name="Technician">Who performed the test (检验者).</param>
public sealed record LabReport(
    ReportHeader Header,
    LabSpecimen Specimen,
    IReadOnlyList<LabAnalyte> Analytes,
    string? Notes,
    CodedName Technician,
    DateTimeOffset TestedAt);

/// <summary>An exam report (检查报告单): imaging, ultrasound, endoscopy...</summary>
/// <param name="Modality">DICOM modality or exam category, e.g. (CT, CT).</param>
/// <param name="BodyPart">Body part examined, e.g. 胸部.</param>
/// <param name="Findings">检查所见.</param>
/// <param name="Impression">诊断意见.</param>
/// <param name="Advice">建议; null when none.</param>
/// <param name="Positive">True for a positive (abnormal) finding (阳性), false for negative; null when not stated.</param>
/// <param name="StudyNumber">Accession / exam number (检查号).</param>
/// <param name="StudyInstanceUid">DICOM Study Instance UID, so the platform's image viewer can find the study.</param>
public sealed record ExamReport(
    ReportHeader Header,
    CodedName Modality,
    string BodyPart,
    DateTimeOffset ExaminedAt,
    string Findings,
    string Impression,
    string? Advice,
    bool? Positive,
    int ImageCount,
    string StudyNumber,
    string StudyInstanceUid);
