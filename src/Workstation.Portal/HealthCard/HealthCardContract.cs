using System.ComponentModel.DataAnnotations;
using Workstation.Platform.Contract;

namespace Workstation.Portal.HealthCard;

/// <summary>An 18-digit resident ID number with a valid check digit (GB 11643).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
internal sealed class ResidentIdNumberAttribute : ValidationAttribute
{
    public ResidentIdNumberAttribute() : base("The field {0} must be an 18-digit resident ID number with a valid check digit.")
    {
    }

    public override bool IsValid(object? value) => value is not string s || PatientIdentityValidator.IsValidResidentId(s);
}

/// <summary>Body of <c>POST /api/v1/health-card/verify</c>: one use of a resident health card at a HIS terminal.</summary>
public sealed class CardVerifyRequest
{
    /// <summary>The card number read from the card.</summary>
    [Required, RegularExpression("^[0-9A-Za-z]{10,32}$", ErrorMessage = "The field cardNumber must be 10 to 32 letters or digits.")]
    public string CardNumber { get; set; } = "";

    /// <summary>The holder's resident ID number read from the card.</summary>
    [Required, ResidentIdNumber]
    public string IdNumber { get; set; } = "";

    /// <summary>registration (挂号) | triage (分诊) | consultation (就诊) | examination (检查) | billing (划价缴费) |
    /// dispensing (取药) | admission (住院登记) | discharge (出院结算).</summary>
    [Required, AllowedValues(CardScenes.Registration, CardScenes.Triage, CardScenes.Consultation, CardScenes.Examination,
        CardScenes.Billing, CardScenes.Dispensing, CardScenes.Admission, CardScenes.Discharge)]
    public string Scene { get; set; } = "";

    /// <summary>The HIS terminal (card reader) id.</summary>
    [Required, StringLength(32, MinimumLength = 1)]
    public string TerminalId { get; set; } = "";

    /// <summary>The operator (staff id) at the terminal.</summary>
    [Required, StringLength(32, MinimumLength = 1)]
    public string OperatorId { get; set; } = "";
}

/// <summary>The answer: allowed, or refused with the blacklist it is on and the reason; the usage log id (null when
/// the log is written behind the answer); the blacklist version the check used and when it was last synced.</summary>
internal sealed record CardVerifyResponse(bool Allowed, string? ReasonCode, string? Reason, string? BlacklistScope, string? BlacklistReason,
    long? UsageId, long BlacklistVersion, DateTime? BlacklistSyncedAt);

