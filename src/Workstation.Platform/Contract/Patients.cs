namespace Workstation.Platform.Contract;

/// <summary>How the platform identifies a patient: identity document type and number, and name.</summary>
/// <param name="IdType">Document type code (<see cref="IdTypes"/>).</param>
/// <param name="IdNumber">Document number; resident ID numbers carry a GB 11643 check digit.</param>
/// <param name="Name">Patient name as on the document.</param>
public sealed record PatientIdentity(string IdType, string IdNumber, string Name);

/// <summary>Identity document type codes (WS 364 CV02.01.101).</summary>
public static class IdTypes
{
    public const string ResidentIdCard = "01";
    public const string HouseholdRegister = "02";
    public const string Passport = "03";
    public const string MilitaryId = "04";
    public const string HongKongMacauPermit = "06";
    public const string TaiwanPermit = "07";
    public const string Other = "99";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        ResidentIdCard, HouseholdRegister, Passport, MilitaryId, HongKongMacauPermit, TaiwanPermit, Other,
    };
}

/// <summary>Validation of identity numbers before anything is sent to the platform.</summary>
public static class PatientIdentityValidator
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckDigits = "10X98765432";

    /// <summary>Returns null when valid, or an English reason key when not.</summary>
    public static string? Validate(PatientIdentity? patient)
    {
        if (patient is null) return "patient is required";
        if (string.IsNullOrWhiteSpace(patient.Name)) return "patient name is required";
        if (!IdTypes.All.Contains(patient.IdType)) return $"unknown identity document type '{patient.IdType}'";
        if (string.IsNullOrWhiteSpace(patient.IdNumber)) return "identity number is required";
        if (patient.IdType == IdTypes.ResidentIdCard && !IsValidResidentId(patient.IdNumber))
            return "resident ID number is malformed or its check digit is wrong";
        return patient.IdNumber.Length > 32 ? "identity number is too long" : null;
    }

    /// <summary>GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character.</summary>
    public static bool IsValidResidentId(string id)
    {
        if (id.Length != 18) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i])) return false;
            sum += (id[i] - '0') * Weights[i];
        }
        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", out _)) return false;
        return char.ToUpperInvariant(id[17]) == CheckDigits[sum % 11];
    }

    /// <summary>Completes a 17-digit prefix with its check character (used to seed demo data).</summary>
    public static string WithCheckDigit(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return first17 + CheckDigits[sum % 11];
    }
}
