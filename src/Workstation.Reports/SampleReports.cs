namespace Workstation.Reports;

/// <summary>Approved demo reports of one hospital: a 血常规 with 10 analytes, a 60-analyte panel that runs over two
/// pages, and a chest CT. Used by the portal's preview until the LIS/PACS feed arrives, by the tests and by the
/// benchmark. Identity numbers are valid (GB 11643 check digit) but fictitious.</summary>
public static class SampleReports
{
    public static readonly ReportHospital Hospital = new("441300900", "惠州市演示医院");

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static ReportPatient Patient => new("张伟", "男", "45岁", "01", "110101198001011232", "P0012345", "MZ20261125008",
        new CodedName("NK", "心血管内科"), null);

    private static readonly ReportPatient Inpatient = new("欧阳晓燕", "女", "62岁", "01", "330106196403152023", "P0098765",
        "ZY2026110377", new CodedName("SJNK", "神经内科二病区"), "12床");

    /// <summary>A 血常规 (complete blood count) with 10 analytes, three of them abnormal.</summary>
    public static LabReport BloodCount() => Lab("L20261125-0001", "血常规", ["HR-LAB-001"], Patient, [.. CbcRows],
        "标本轻度溶血，请结合临床。");

    /// <summary>A biochemistry panel with <paramref name="rows"/> analytes (60 runs over two pages).</summary>
    public static LabReport Panel(int rows)
    {
        var analytes = Enumerable.Range(0, rows).Select(i =>
        {
            var template = PanelRows[i % PanelRows.Length];
            var round = i / PanelRows.Length;
            return template with
            {
                Code = round == 0 ? template.Code : $"{template.Code}{round + 1}",
                Name = round == 0 ? template.Name : $"{template.Name}（复测{round}）",
            };
        }).ToList();
        return Lab(rows == 60 ? "L20261125-0002" : $"L20261125-P{rows:000}", "生化全套", ["HR-LAB-010", "HR-LAB-011", "HR-LAB-012"],
            Inpatient, analytes, "患者空腹采血。甘油三酯升高，建议低脂饮食后复查；肌酐轻度升高，请结合肾功能其他指标及临床表现综合判断。");
    }

    /// <summary>A chest CT with findings long enough to wrap several lines.</summary>
    public static ExamReport ChestCt() => new(
        Header("E20261125-0003", "胸部CT平扫", ["HR-EXAM-101"], Inpatient, new CodedName("RAD07", "赵立新"), new CodedName("RAD02", "孙海涛"),
            At(11, 40), At(14, 5)),
        new CodedName("CT", "CT"),
        "胸部",
        At(10, 20),
        "胸廓对称，气管居中。双肺纹理清晰，右肺上叶尖段见一大小约 6mm×5mm 的磨玻璃结节，边界清楚，密度均匀，未见分叶及毛刺；" +
        "左肺下叶背段见少许条索状影。双肺门不大，纵隔内未见明显肿大淋巴结。心影大小、形态未见异常，主动脉壁可见少许钙化。" +
        "双侧胸膜未见增厚，双侧胸腔未见积液。所扫层面肝脏、脾脏未见明显异常。\n" +
        "扫描参数：120kV，自动管电流，层厚 5mm，重建层厚 1.25mm（肺窗 W1500/L-600，纵隔窗 W350/L40）。",
        "1. 右肺上叶尖段磨玻璃结节（Lung-RADS 2类），建议 12 个月后低剂量CT复查。\n2. 左肺下叶背段少许纤维灶。\n3. 主动脉硬化。",
        "如有咳嗽、咯血等症状请及时就诊呼吸内科。",
        Positive: true,
        ImageCount: 286,
        StudyNumber: "CT2026112500417",
        StudyInstanceUid: "1.2.156.112605.189250946103140.20261125102000.2.4417");

    private static LabReport Lab(string number, string item, string[] codes, ReportPatient patient, IReadOnlyList<LabAnalyte> analytes, string notes) => new(
        Header(number, item, codes, patient, new CodedName("J015", "陈静"), new CodedName("J003", "刘建国"), At(9, 32), At(9, 50)),
        new LabSpecimen(item == "血常规" ? new CodedName("01", "全血") : new CodedName("03", "血清"), "2511250" + number[^4..], At(7, 45), At(8, 6)),
        analytes,
        notes,
        new CodedName("J021", "王芳"),
        At(9, 10));

    private static ReportHeader Header(string number, string item, string[] codes, ReportPatient patient, CodedName reporter,
        CodedName approver, DateTimeOffset reportedAt, DateTimeOffset approvedAt) =>
        new(Hospital, number, ReportStatus.Final, "SQ" + number[1..].Replace("-", ""), item, patient, reporter, reportedAt, approver,
            approvedAt, codes, Recognisable: true);

    private static DateTimeOffset At(int hour, int minute) => new(2026, 11, 25, hour, minute, 0, China);

    private static readonly LabAnalyte[] CbcRows =
    [
        new("WBC", "白细胞计数", "11.62", null, "10^9/L", "3.5-9.5", AbnormalFlag.High),
        new("NEUT%", "中性粒细胞百分比", "78.4", null, "%", "40-75", AbnormalFlag.High),
        new("LYMPH%", "淋巴细胞百分比", "15.2", null, "%", "20-50", AbnormalFlag.Low),
        new("RBC", "红细胞计数", "4.71", null, "10^12/L", "4.3-5.8", AbnormalFlag.Normal),
        new("HGB", "血红蛋白", "142", null, "g/L", "130-175", AbnormalFlag.Normal),
        new("HCT", "红细胞压积", "0.43", null, "L/L", "0.40-0.50", AbnormalFlag.Normal),
        new("MCV", "平均红细胞体积", "91.3", null, "fL", "82-100", AbnormalFlag.Normal),
        new("MCH", "平均红细胞血红蛋白含量", "30.1", null, "pg", "27-34", AbnormalFlag.Normal),
        new("PLT", "血小板计数", "236", null, "10^9/L", "125-350", AbnormalFlag.Normal),
        new("CRP", "C反应蛋白", "3.2", "阴性(-)", "mg/L", "0-10", AbnormalFlag.Normal),
    ];

    private static readonly LabAnalyte[] PanelRows =
    [
        new("ALT", "丙氨酸氨基转移酶", "32", null, "U/L", "9-50", AbnormalFlag.Normal),
        new("AST", "天门冬氨酸氨基转移酶", "28", null, "U/L", "15-40", AbnormalFlag.Normal),
        new("TP", "总蛋白", "68.5", null, "g/L", "65-85", AbnormalFlag.Normal),
        new("ALB", "白蛋白", "39.2", null, "g/L", "40-55", AbnormalFlag.Low),
        new("TBIL", "总胆红素", "14.6", null, "μmol/L", "0-26", AbnormalFlag.Normal),
        new("GLU", "葡萄糖", "6.42", null, "mmol/L", "3.9-6.1", AbnormalFlag.High),
        new("UREA", "尿素", "7.9", null, "mmol/L", "3.1-8.0", AbnormalFlag.Normal),
        new("CREA", "肌酐", "112", null, "μmol/L", "41-81", AbnormalFlag.High),
        new("UA", "尿酸", "356", null, "μmol/L", "155-357", AbnormalFlag.Normal),
        new("TG", "甘油三酯", "2.86", null, "mmol/L", "0-1.7", AbnormalFlag.High),
        new("TC", "总胆固醇", "5.12", null, "mmol/L", "0-5.2", AbnormalFlag.Normal),
        new("HDL-C", "高密度脂蛋白胆固醇", "1.02", null, "mmol/L", "1.04-1.55", AbnormalFlag.Low),
        new("K", "钾", "6.8", null, "mmol/L", "3.5-5.3", AbnormalFlag.CriticalHigh),
        new("NA", "钠", "139", null, "mmol/L", "137-147", AbnormalFlag.Normal),
        new("CL", "氯", "101", null, "mmol/L", "99-110", AbnormalFlag.Normal),
        new("HBSAG", "乙型肝炎病毒表面抗原", "0.01", "阴性(-)", "IU/mL", "<0.05 阴性", AbnormalFlag.Normal),
        new("ALP", "碱性磷酸酶", "88", null, "U/L", "45-125", AbnormalFlag.Normal),
        new("GGT", "γ-谷氨酰转移酶", "41", null, "U/L", "10-60", AbnormalFlag.Normal),
        new("LDH", "乳酸脱氢酶", "196", null, "U/L", "120-250", AbnormalFlag.Normal),
        new("CK", "肌酸激酶", "74", null, "U/L", "50-310", AbnormalFlag.Normal),
    ];
}
