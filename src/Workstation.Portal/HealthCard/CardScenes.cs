namespace Workstation.Portal.HealthCard;

/// <summary>Where in the hospital a card is used (seed 004 §接口改造说明), as stable codes.</summary>
internal static class CardScenes
{
    public const string Registration = "registration";
    public const string Triage = "triage";
    public const string Consultation = "consultation";
    public const string Examination = "examination";
    public const string Billing = "billing";
    public const string Dispensing = "dispensing";
    public const string Admission = "admission";
    public const string Discharge = "discharge";

    /// <summary>Code → Chinese name, in the order of a visit.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> All =
    [
        (Registration, "挂号"), (Triage, "分诊"), (Consultation, "就诊"), (Examination, "检查"),
        (Billing, "划价缴费"), (Dispensing, "取药"), (Admission, "住院登记"), (Discharge, "出院结算"),
    ];

    public static string NameOf(string code) => All.FirstOrDefault(s => s.Code == code).Name ?? code;
}
