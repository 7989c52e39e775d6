using System.Globalization;
using Workstation.Platform.Contract;
using Workstation.Reports;

namespace Workstation.Sandbox.Platform;

/// <summary>The simulator's report PDFs, drawn with the portal's own templates (Workstation.Reports) from what the
/// platform stores. Fields the platform does not hold (staff, specimen, department) print as "—".</summary>
internal static class ReportPdfRenderer
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    // One font and renderer per process: the font file is read once (the renderer itself is stateless).
    private static readonly Lazy<ReportRenderer> Renderer = new(() => new ReportRenderer(ReportFont.Load()));

    private static readonly CodedName Unknown = new("", "—");

    public static byte[] Render(StoredReport report)
    {
        var s = report.Summary;
        var approved = new DateTimeOffset(DateTime.SpecifyKind(s.ReportDate, DateTimeKind.Utc)).ToOffset(China);
        var (sex, age) = FromResidentId(report.Patient, approved);
        var header = new ReportHeader(
            new ReportHospital(s.InstitutionCode, s.InstitutionName), s.ReportId, ReportStatus.Final, "—", s.ItemName,
            new ReportPatient(report.Patient.Name, sex, age, report.Patient.IdType, report.Patient.IdNumber, "—", "—", Unknown, null),
            Unknown, approved, Unknown, approved, [s.ItemCode], s.Recognisable && s.RecognitionMark == "HR");

        if (s.Kind == ReportKinds.Lab)
        {
            var analytes = report.LabResults.Select(r => new LabAnalyte(r.Code, r.Name, r.Value, null, r.Unit, r.ReferenceRange, r.Flag switch
            {
                "H" => AbnormalFlag.High,
                "L" => AbnormalFlag.Low,
                "C" => AbnormalFlag.CriticalHigh, // the contract's critical flag carries no direction
                _ => AbnormalFlag.Normal,
            })).ToList();
            return Renderer.Value.RenderPdf(new LabReport(header, new LabSpecimen(Unknown, "—", approved, approved), analytes, null, Unknown, approved));
        }
        return Renderer.Value.RenderPdf(new ExamReport(header, Unknown, "—", approved, report.Findings ?? "", report.Impression ?? "", null,
            Positive: null, ImageCount: 0, StudyNumber: "—", StudyInstanceUid: "—"));
    }

    /// <summary>Sex and age from a resident ID number (GB 11643: birth date, then an odd 17th digit for men).</summary>
    private static (string Sex, string Age) FromResidentId(PatientIdentity patient, DateTimeOffset at)
    {
        if (patient.IdType != IdTypes.ResidentIdCard || !PatientIdentityValidator.IsValidResidentId(patient.IdNumber)) return ("—", "—");
        var birth = DateOnly.ParseExact(patient.IdNumber.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(at.DateTime);
        var years = today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
        return ((patient.IdNumber[16] - '0') % 2 == 1 ? "男" : "女", $"{years}岁");
    }
}
