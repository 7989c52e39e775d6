using Refit;

namespace Workstation.Portal.BloodUse;

/// <summary>The HIS inpatient service: identity, admissions, transfusions and discharge settlements of a patient
/// (Refit source-generated). The ID number goes in the body, never in a URL.</summary>
internal interface IHisInpatientApi
{
    [Post("/his/api/inpatients/blood-use")]
    Task<HisInpatient> GetBloodUseAsync([Body] HisInpatientQuery query, CancellationToken cancellationToken);
}

internal sealed record HisInpatientQuery(string IdentityNumber);

/// <summary>An inpatient as HIS returns it.</summary>
internal sealed record HisInpatient(string HisId, string Name, string IdentityNumber, DateOnly BirthDate, string InpatientNumber,
    IReadOnlyList<HisSettlement> Settlements);

/// <summary>A discharge settlement with its blood fees.</summary>
internal sealed record HisSettlement(string SettlementNumber, int Admission, DateOnly AdmittedOn, DateOnly DischargedOn, decimal BloodCost,
    IReadOnlyList<HisTransfusionLine> Transfusions);

/// <summary>One transfused product.</summary>
internal sealed record HisTransfusionLine(string DonationCode, string ProductCode, string ClassCode, string ClassName, decimal Volume, string Rh,
    decimal Money, DateOnly TransfusedOn);
