using System.ComponentModel.DataAnnotations;
using Workstation.Platform.Contract;

namespace Workstation.Portal.Launch;

/// <summary>Where the doctor works: outpatient, emergency or inpatient workstation.</summary>
internal static class CareSettings
{
    public const string Outpatient = "outpatient";
    public const string Emergency = "emergency";
    public const string Inpatient = "inpatient";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Outpatient, Emergency, Inpatient };
}

/// <summary>The clinical context HIS opens the portal for. Lives server-side only (database + circuit), never in the browser.</summary>
public sealed record LaunchContext(
    string ClientId,
    string DoctorId,
    string DoctorName,
    string DepartmentCode,
    string DepartmentName,
    string PatientId,
    PatientIdentity Patient,
    string EncounterId,
    string Setting);

/// <summary>What HIS sends to launch the portal (signed URL parameters or the body of <c>POST /api/v1/launch</c>).</summary>
public sealed class LaunchRequest
{
    /// <summary>Doctor's staff code in HIS.</summary>
    [Required, StringLength(32)]
    public string DoctorId { get; set; } = "";

    [Required, StringLength(32)]
    public string DoctorName { get; set; } = "";

    /// <summary>Department code in HIS (the platform's department dictionary).</summary>
    [Required, StringLength(32)]
    public string DepartmentCode { get; set; } = "";

    [Required, StringLength(64)]
    public string DepartmentName { get; set; } = "";

    /// <summary>HIS patient id.</summary>
    [Required, StringLength(32)]
    public string PatientId { get; set; } = "";

    /// <summary>Identity document type (01 resident ID, 03 passport, ...).</summary>
    [Required, StringLength(2)]
    public string IdType { get; set; } = "";

    [Required, StringLength(32)]
    public string IdNumber { get; set; } = "";

    [Required, StringLength(64)]
    public string PatientName { get; set; } = "";

    /// <summary>Encounter (visit or admission) id in HIS.</summary>
    [Required, StringLength(40)]
    public string EncounterId { get; set; } = "";

    /// <summary>outpatient | emergency | inpatient.</summary>
    [Required, AllowedValues(CareSettings.Outpatient, CareSettings.Emergency, CareSettings.Inpatient)]
    public string Setting { get; set; } = "";

    /// <summary>Validates everything, including the identity checksum; null when valid.</summary>
    public string? Problem()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, true))
            return string.Join(" ", results.Select(r => r.ErrorMessage));
        if (!CareSettings.All.Contains(Setting)) return "setting must be outpatient, emergency or inpatient.";
        return PatientIdentityValidator.Validate(new PatientIdentity(IdType, IdNumber, PatientName));
    }

    public LaunchContext ToContext(string clientId) => new(clientId, DoctorId, DoctorName, DepartmentCode, DepartmentName,
        PatientId, new PatientIdentity(IdType, IdNumber, PatientName), EncounterId, Setting);
}
