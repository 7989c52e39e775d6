using Workstation.Platform.Contract;

namespace Workstation.Sandbox.Demo;

/// <summary>A demo patient known to the HIS simulator and, with reports, to the platform simulator.</summary>
public sealed record DemoPatient(string HisId, PatientIdentity Identity, string Sex, DateOnly BirthDate, string Phone);

/// <summary>A report another institution produced for a demo patient, dated relative to the simulator's start.</summary>
public sealed record DemoReportSeed(string HisId, string InstitutionCode, string ItemCode, int DaysAgo);

/// <summary>Institutions taking part in the demo.</summary>
public sealed record Institution(string Code, string Name);

/// <summary>The demo world shared by the simulators: the same people in HIS and on the platform.</summary>
public static class DemoWorld
{
    public static readonly Institution Central = new("441300-001", "惠州市中心人民医院");
    public static readonly Institution First = new("441300-002", "惠州市第一人民医院");
    public static readonly Institution Third = new("441300-003", "惠州市第三人民医院");

    /// <summary>The hospital running the portal in the demo.</summary>
    public static readonly Institution Home = new("441300-900", "惠州市演示医院");

    public static IReadOnlyList<Institution> Institutions { get; } = [Central, First, Third, Home];

    public static IReadOnlyList<DemoPatient> Patients { get; } =
    [
        Patient("P1001", "张伟", "441302197803150012", "M", "13800000001"),
        Patient("P1002", "李娜", "441302199007220023", "F", "13800000002"),
        Patient("P1003", "王芳", "441303196511080046", "F", "13800000003"),
        Patient("P1004", "陈明", "441322200104300031", "M", "13800000004"),
        Patient("P1005", "刘洋", "441381198512120058", "M", "13800000005"),
        new("P1006", new PatientIdentity(IdTypes.Passport, "E12345678", "Maria Santos"), "F", new DateOnly(1992, 3, 4), "13800000006"),
    ];

    /// <summary>Reports at other hospitals: some recent, some past their item's validity window.</summary>
    public static IReadOnlyList<DemoReportSeed> Reports { get; } =
    [
        new("P1001", Central.Code, "L001", 2),   // 血常规, valid 7 days
        new("P1001", Central.Code, "E002", 20),  // 胸部CT, valid 90 days
        new("P1001", First.Code, "L004", 40),    // 肝功能, expired (14 days)
        new("P1001", First.Code, "E013", 1),     // 心电图
        new("P1002", First.Code, "L001", 1),
        new("P1002", First.Code, "L002", 1),
        new("P1002", Third.Code, "E008", 30),
        new("P1002", Third.Code, "L009", 45),
        new("P1004", Central.Code, "L001", 30),  // only expired results
        new("P1004", Central.Code, "E003", 60),
        new("P1005", Third.Code, "E003", 5),
        new("P1005", Third.Code, "E004", 12),
        new("P1005", Central.Code, "L010", 1),
        new("P1005", Central.Code, "L005", 3),
        new("P1006", First.Code, "E006", 10),
    ];

    public static DemoPatient? FindByHisId(string hisId) => Patients.FirstOrDefault(p => p.HisId == hisId);

    private static DemoPatient Patient(string hisId, string name, string idPrefix, string sex, string phone)
    {
        // The literal carries a placeholder check digit; compute the real one so every demo ID validates.
        var id = PatientIdentityValidator.WithCheckDigit(idPrefix[..17]);
        var birth = DateOnly.ParseExact(id.Substring(6, 8), "yyyyMMdd");
        return new DemoPatient(hisId, new PatientIdentity(IdTypes.ResidentIdCard, id, name), sex, birth, phone);
    }
}
