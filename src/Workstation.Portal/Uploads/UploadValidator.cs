using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>Checks a report before anything is queued; each problem is a plain Chinese sentence lab staff can act on.</summary>
internal sealed class UploadValidator(RecognitionItemCatalogue catalogue, TimeProvider time)
{
    public IReadOnlyList<string> Validate(LabReport report)
    {
        var problems = ValidateHeader(report.Header, ReportKinds.Lab);
        if (report.Analytes.Count == 0) problems.Add("没有检验结果。");
        foreach (var a in report.Analytes.Where(a => a.Value is not null && (string.IsNullOrWhiteSpace(a.Unit) || string.IsNullOrWhiteSpace(a.ReferenceRange))))
            problems.Add($"{a.Name}：数值结果缺少单位或参考范围。");
        return problems;
    }

    public IReadOnlyList<string> Validate(ExamReport report)
    {
        var problems = ValidateHeader(report.Header, ReportKinds.Exam);
        if (string.IsNullOrWhiteSpace(report.Findings)) problems.Add("检查所见为空。");
        if (string.IsNullOrWhiteSpace(report.Impression)) problems.Add("诊断意见（印象）为空。");
        if (string.IsNullOrWhiteSpace(report.BodyPart)) problems.Add("检查部位为空。");
        return problems;
    }

    private List<string> ValidateHeader(ReportHeader h, string kind)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(h.ReportNumber)) problems.Add("报告单编号为空。");
        if (string.IsNullOrWhiteSpace(h.Patient.Name)) problems.Add("患者姓名为空。");
        if (h.Patient.IdType == IdTypes.ResidentIdCard && !PatientIdentityValidator.IsValidResidentId(h.Patient.IdNumber))
            problems.Add($"患者身份证号 {ReportText.MaskIdNumber(h.Patient.IdNumber)} 格式不正确或校验位错误，请在 LIS 中核对后重新审核。");
        else if (PatientIdentityValidator.Validate(new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name)) is not null)
            problems.Add("患者证件类型或证件号不完整。");
        if (h.RecognitionItemCodes.Count == 0) problems.Add("没有互认项目编码。");
        foreach (var code in h.RecognitionItemCodes.Where(c => catalogue.Find(c)?.Kind != kind))
            problems.Add($"互认项目编码 {code} 不在{(kind == ReportKinds.Lab ? "检验" : "检查")}互认目录中。");
        if (string.IsNullOrWhiteSpace(h.Approver.Code)) problems.Add("缺少审核医师。");
        if (h.ApprovedAt > time.GetUtcNow().AddMinutes(5)) problems.Add($"审核时间 {h.ApprovedAt:yyyy-MM-dd HH:mm} 晚于当前时间。");
        return problems;
    }
}
