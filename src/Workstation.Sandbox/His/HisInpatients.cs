using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.His;

/// <summary>A blood product from the provincial blood price standard (省血液价格标准): product class code and name,
/// product code, the unit a volume is counted in and the price per unit.</summary>
public sealed record BloodProduct(string ClassCode, string ClassName, string ProductCode, string Unit, decimal UnitPrice);

/// <summary>One transfusion: the donation code of the bag, the product, how many units, the RH group and the fee.</summary>
public sealed record HisTransfusion(string DonationCode, string ProductCode, string ClassCode, string ClassName,
    decimal Volume, string Rh, decimal Money, DateOnly TransfusedOn);

/// <summary>A discharge settlement (出院结算) of one admission, with the blood fees it carries.</summary>
public sealed record HisDischargeSettlement(string SettlementNumber, int Admission, DateOnly AdmittedOn, DateOnly DischargedOn,
    decimal BloodCost, IReadOnlyList<HisTransfusion> Transfusions);

/// <summary>An inpatient as HIS answers the blood-use lookup: identity, the inpatient number (住院号, stable across
/// admissions) and the discharge settlements.</summary>
public sealed record HisInpatientBloodUse(string HisId, string Name, string IdentityNumber, DateOnly BirthDate, string InpatientNumber,
    IReadOnlyList<HisDischargeSettlement> Settlements);

/// <summary>Body of the HIS lookup (the ID number travels in the body, never in a URL that proxies log).</summary>
public sealed record HisBloodUseQuery(string IdentityNumber);

/// <summary>The inpatient side of the HIS simulator: admissions with transfusions and discharge settlements, looked up
/// by resident ID number (for the provincial blood-use fee reduction interface the portal serves).</summary>
public static class HisInpatients
{
    /// <summary>A few products of the provincial blood price standard (codes as the simulated standard defines them).</summary>
    public static readonly IReadOnlyList<BloodProduct> Products =
    [
        new("1001", "全血", "P0001V00", "U(200ml)", 220m),
        new("1002", "悬浮红细胞", "P0201V00", "U(200ml全血制备)", 230m),
        new("1003", "洗涤红细胞", "P0301V00", "U(200ml全血制备)", 290m),
        new("2001", "新鲜冰冻血浆", "P0401V00", "100ml", 90m),
        new("2002", "普通冰冻血浆", "P0402V00", "100ml", 70m),
        new("3001", "单采血小板", "P0501V00", "治疗量", 1300m),
        new("4001", "冷沉淀凝血因子", "P0601V00", "U(200ml全血制备)", 120m),
    ];

    /// <summary>Inpatients: 张伟 with two admissions (three bags, then two), 李娜 with three, 王芳 admitted without a
    /// transfusion, 陈明 with one; the others were never admitted.</summary>
    public static readonly IReadOnlyList<HisInpatientBloodUse> Inpatients = Build();

    public static HisInpatientBloodUse? Find(string identityNumber) =>
        Inpatients.FirstOrDefault(p => string.Equals(p.IdentityNumber, identityNumber, StringComparison.OrdinalIgnoreCase));

    public static void Map(WebApplication app, HisState state) =>
        app.MapPost("/his/api/inpatients/blood-use", (HisBloodUseQuery query) =>
        {
            if (state.InpatientFailures.Take()) return Results.Problem("HIS inpatient service unavailable.", statusCode: 503);
            return Find(query.IdentityNumber) is { } patient
                ? Results.Json(patient, PlatformServiceCollectionExtensions.Json)
                : Results.Problem("No inpatient with this identity number.", statusCode: 404);
        });

    private static List<HisInpatientBloodUse> Build()
    {
        var patients = new List<HisInpatientBloodUse>();
        var donation = 0;
        string NextDonation() => $"0030{2025_0000_0 + ++donation * 37:D9}";

        HisTransfusion Bag(string classCode, decimal volume, string rh, DateOnly on)
        {
            var p = Products.First(x => x.ClassCode == classCode);
            return new HisTransfusion(NextDonation(), p.ProductCode, p.ClassCode, p.ClassName, volume, rh, volume * p.UnitPrice, on);
        }

        HisDischargeSettlement Settlement(string inpatientNumber, int admission, DateOnly admitted, DateOnly discharged, params HisTransfusion[] bags) =>
            new($"{DemoWorld.Home.Code.Replace("-", "", StringComparison.Ordinal)}{inpatientNumber}{admission:D2}", admission, admitted, discharged,
                bags.Sum(b => b.Money), bags);

        HisInpatientBloodUse Patient(string hisId, string inpatientNumber, params Func<string, HisDischargeSettlement>[] settlements)
        {
            var p = DemoWorld.FindByHisId(hisId)!;
            return new HisInpatientBloodUse(p.HisId, p.Identity.Name, p.Identity.IdNumber, p.BirthDate, inpatientNumber,
                settlements.Select(s => s(inpatientNumber)).ToList());
        }

        patients.Add(Patient("P1001", "Z056544",
            n => Settlement(n, 1, new DateOnly(2025, 9, 3), new DateOnly(2025, 9, 15),
                Bag("1002", 2m, "+", new DateOnly(2025, 9, 5)), Bag("2001", 4m, "+", new DateOnly(2025, 9, 5)), Bag("1002", 1.5m, "+", new DateOnly(2025, 9, 7))),
            n => Settlement(n, 2, new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 21),
                Bag("3001", 1m, "+", new DateOnly(2026, 2, 12)), Bag("1002", 2m, "+", new DateOnly(2026, 2, 13)))));
        patients.Add(Patient("P1002", "Z061207",
            n => Settlement(n, 1, new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 9), Bag("1001", 2m, "-", new DateOnly(2025, 6, 2))),
            n => Settlement(n, 2, new DateOnly(2025, 11, 20), new DateOnly(2025, 12, 2),
                Bag("1003", 2m, "-", new DateOnly(2025, 11, 22)), Bag("4001", 10m, "-", new DateOnly(2025, 11, 23))),
            n => Settlement(n, 3, new DateOnly(2026, 3, 8), new DateOnly(2026, 3, 14), Bag("2002", 2m, "-", new DateOnly(2026, 3, 9)))));
        patients.Add(Patient("P1003", "Z070318")); // admitted, no transfusion
        patients.Add(Patient("P1004", "Z072955",
            n => Settlement(n, 1, new DateOnly(2026, 4, 2), new DateOnly(2026, 4, 11), Bag("1002", 4m, "+", new DateOnly(2026, 4, 3)))));
        return patients;
    }
}
