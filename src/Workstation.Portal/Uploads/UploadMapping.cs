using Workstation.Platform.Contract;
using Workstation.Portal.Reports;
using Workstation.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>This hospital's approved reports as the platform's upload contract wants them (seed 003): patient, lab or
/// exam data with every recognition code, specimen, staff and times, and a CA-signature field.</summary>
internal static class UploadMapping
{
    public static PatientUpload Patient(ReportHeader h) => new(
        new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name),
        h.Patient.Sex == "男" ? "M" : h.Patient.Sex == "女" ? "F" : "U", BirthDate(h.Patient.IdNumber), null, h.Patient.PatientId);

    public static ExamReportUpload Exam(ExamReport report)
    {
        var h = report.Header;
        var n = h.ReportNumber;
        return new ExamReportUpload(n, new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name), h.RecognitionItemCodes[0],
            h.Patient.Department.Code, h.Reporter.Code, h.Approver.Code, h.ApprovedAt.UtcDateTime, report.Findings, report.Impression, null)
        {
            ReportStatus = h.Status == ReportStatus.Final ? "最终" : "临时",
            RequestNumber = h.RequestNumber,
            InstitutionCode = h.Hospital.Code,
            ItemCodes = h.RecognitionItemCodes,
            Recognisable = h.Recognisable,
            Void = false,
            Modality = report.Modality.Code,
            BodyPart = report.BodyPart,
            ExaminedAt = report.ExaminedAt.UtcDateTime,
            Advice = report.Advice,
            Positive = report.Positive,
            StudyNumber = report.StudyNumber,
            StudyInstanceUid = report.StudyInstanceUid,
            ImageCount = report.ImageCount,
            ReporterName = h.Reporter.Name,
            ReportedAt = h.ReportedAt.UtcDateTime,
            ApproverName = h.Approver.Name,
            Signature = "SHA256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(n + "|" + report.Findings + "|" + report.Impression))),
        };
    }

    public static LabReportUpload Lab(LabReport report)
    {
        var h = report.Header;
        var n = h.ReportNumber;
        return new LabReportUpload(n, new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name), h.RecognitionItemCodes[0],
            h.Patient.Department.Code, h.Reporter.Code, h.Approver.Code, h.ApprovedAt.UtcDateTime,
            report.Analytes.Select(a => new LabResult(a.Code, a.Name, a.Value ?? a.QualitativeResult ?? "", a.Unit, a.ReferenceRange, Flag(a.Flag))
                { QualitativeResult = a.QualitativeResult }).ToList())
        {
            ReportStatus = h.Status == ReportStatus.Final ? "最终" : "临时",
            RequestNumber = h.RequestNumber,
            InstitutionCode = h.Hospital.Code,
            ItemCodes = h.RecognitionItemCodes,
            Recognisable = h.Recognisable,
            Void = false,
            Specimen = new LabSpecimenUpload(report.Specimen.Category.Code, report.Specimen.Category.Name, report.Specimen.Number,
                report.Specimen.CollectedAt.UtcDateTime, report.Specimen.ReceivedAt.UtcDateTime),
            TechnicianCode = report.Technician.Code,
            ReporterName = h.Reporter.Name,
            ReportedAt = h.ReportedAt.UtcDateTime,
            ApproverName = h.Approver.Name,
            Signature = SignatureOf(n, report),
        };
    }

    /// <summary>CA签名值: in a hospital the CA's signing service signs the report data; the demo puts a SHA-256 digest
    /// of the report number and results in its place, so the field is present and changes with the data.</summary>
    private static string SignatureOf(string reportNumber, LabReport report) =>
        "SHA256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            reportNumber + "|" + string.Join(";", report.Analytes.Select(a => $"{a.Code}={a.Value ?? a.QualitativeResult}")))));

    private static DateOnly BirthDate(string idNumber) =>
        idNumber.Length == 18 && DateOnly.TryParseExact(idNumber.AsSpan(6, 8), "yyyyMMdd", out var birth) ? birth : default;

    private static string Flag(AbnormalFlag flag) => flag switch
    {
        AbnormalFlag.High => "H",
        AbnormalFlag.Low => "L",
        AbnormalFlag.CriticalHigh or AbnormalFlag.CriticalLow => "C",
        _ => "N",
    };
}
