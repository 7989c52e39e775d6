using Refit;

namespace Workstation.Portal.Uploads;

/// <summary>HIS master data (seed 000), behind the HIS's API key (Refit source-generated).</summary>
internal interface IHisRecordsApi
{
    [Get("/his/patients/{patientCode}")]
    Task<HisPatientRecord> GetPatientAsync(string patientCode, CancellationToken cancellationToken);

    [Get("/his/departments")]
    Task<List<HisDepartmentRecord>> GetDepartmentsAsync(CancellationToken cancellationToken);

    [Get("/his/staff")]
    Task<List<HisStaffRecord>> GetStaffAsync(CancellationToken cancellationToken);
}

internal sealed record HisPatientRecord(string PatientCode, string Name, string IdType, string IdNumber, string Sex, DateOnly BirthDate, string? Phone);

internal sealed record HisDepartmentRecord(string Code, string Name, string? ParentCode, bool Active);

internal sealed record HisStaffRecord(string Code, string Name, string DepartmentCode, string Title, bool Active);
