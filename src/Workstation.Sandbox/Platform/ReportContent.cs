using Workstation.Platform.Contract;

namespace Workstation.Sandbox.Platform;

/// <summary>Realistic report content for the simulator: analytes with units and ranges, exam findings.</summary>
internal static class ReportContent
{
    private sealed record Analyte(string Code, string Name, string Unit, double Low, double High, int Decimals);

    private static readonly Dictionary<string, Analyte[]> Panels = new()
    {
        ["L001"] = [new("WBC", "白细胞计数", "10^9/L", 3.5, 9.5, 2), new("RBC", "红细胞计数", "10^12/L", 4.3, 5.8, 2),
                    new("HGB", "血红蛋白", "g/L", 130, 175, 0), new("PLT", "血小板计数", "10^9/L", 125, 350, 0),
                    new("NEUT%", "中性粒细胞百分比", "%", 40, 75, 1)],
        ["L002"] = [new("SG", "尿比重", "", 1.003, 1.030, 3), new("PH", "尿酸碱度", "", 4.5, 8.0, 1)],
        ["L004"] = [new("ALT", "丙氨酸氨基转移酶", "U/L", 9, 50, 0), new("AST", "天门冬氨酸氨基转移酶", "U/L", 15, 40, 0),
                    new("TBIL", "总胆红素", "μmol/L", 0, 26, 1), new("ALB", "白蛋白", "g/L", 40, 55, 1)],
        ["L005"] = [new("CREA", "肌酐", "μmol/L", 57, 111, 0), new("UREA", "尿素", "mmol/L", 3.1, 8.0, 2),
                    new("UA", "尿酸", "μmol/L", 208, 428, 0)],
        ["L006"] = [new("K", "钾", "mmol/L", 3.5, 5.3, 2), new("NA", "钠", "mmol/L", 137, 147, 1), new("CL", "氯", "mmol/L", 99, 110, 1)],
        ["L007"] = [new("TC", "总胆固醇", "mmol/L", 0, 5.2, 2), new("TG", "甘油三酯", "mmol/L", 0, 1.7, 2),
                    new("LDL-C", "低密度脂蛋白胆固醇", "mmol/L", 0, 3.4, 2), new("HDL-C", "高密度脂蛋白胆固醇", "mmol/L", 1.04, 2.0, 2)],
        ["L009"] = [new("HBA1C", "糖化血红蛋白", "%", 4.0, 6.0, 1)],
        ["L010"] = [new("PT", "凝血酶原时间", "s", 9.4, 12.5, 1), new("INR", "国际标准化比值", "", 0.8, 1.2, 2),
                    new("APTT", "活化部分凝血活酶时间", "s", 25.1, 36.5, 1), new("FIB", "纤维蛋白原", "g/L", 2.0, 4.0, 2)],
    };

    private static readonly Dictionary<string, (string Findings, string Impression)> Exams = new()
    {
        ["E002"] = ("双肺纹理清晰，右肺上叶见一直径约4mm磨玻璃结节，边界清；纵隔内未见肿大淋巴结，双侧胸腔未见积液。", "右肺上叶微小磨玻璃结节，建议12个月后复查。"),
        ["E003"] = ("脑实质内未见异常密度影，脑室系统大小形态正常，中线结构居中，颅骨未见骨折。", "颅脑CT平扫未见明显异常。"),
        ["E004"] = ("双侧额叶皮层下见少许点状长T2信号，FLAIR呈高信号；脑室系统未见扩张，中线结构居中。", "双侧额叶少许缺血灶。"),
        ["E006"] = ("肝脏大小形态正常，实质回声均匀；胆囊壁光滑，腔内未见强回声；胰腺、脾脏未见异常。", "肝胆胰脾超声未见明显异常。"),
        ["E008"] = ("甲状腺左叶见一大小约6×4mm低回声结节，边界清，形态规则，未见钙化；CDFI：周边见少许血流信号。", "甲状腺左叶结节，TI-RADS 3类。"),
        ["E013"] = ("窦性心律，心率72次/分，PR间期0.16s，QRS时限0.09s，QT/QTc 0.38/0.41s。", "正常心电图。"),
    };

    public static IReadOnlyList<LabResult> LabResults(string itemCode, string itemName, int seed)
    {
        var random = new Random(seed);
        if (!Panels.TryGetValue(itemCode, out var panel))
            panel = [new Analyte(itemCode, itemName, "", 0, 1, 2)];
        return panel.Select(a =>
        {
            // Mostly normal, sometimes just outside the range, as real results are.
            var span = a.High - a.Low;
            var value = a.Low + span * (random.NextDouble() * 1.2 - 0.1);
            var flag = value > a.High ? "H" : value < a.Low ? "L" : "N";
            var range = a.Low == 0 ? $"<{a.High}" : $"{a.Low}-{a.High}";
            return new LabResult(a.Code, a.Name, Math.Round(value, a.Decimals).ToString($"F{a.Decimals}"), a.Unit, range, flag);
        }).ToList();
    }

    public static (string Findings, string Impression) ExamText(string itemCode, string itemName) =>
        Exams.TryGetValue(itemCode, out var text) ? text : ($"{itemName}：所见未见明显异常。", $"{itemName}未见明显异常。");

    public static string Summary(IReadOnlyList<LabResult> results, string? impression)
    {
        if (impression is not null) return impression;
        var abnormal = results.Where(r => r.Flag != "N").ToList();
        return abnormal.Count == 0
            ? "各项结果在参考范围内"
            : string.Join("；", abnormal.Select(r => $"{r.Name} {r.Value} {r.Unit} {(r.Flag == "H" ? "↑" : "↓")}"));
    }
}
