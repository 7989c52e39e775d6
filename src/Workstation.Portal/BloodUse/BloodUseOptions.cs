using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.BloodUse;

/// <summary>The provincial blood-use fee reduction interface (section <c>BloodUse</c>, seed 001).</summary>
internal sealed class BloodUseOptions : IValidatableObject
{
    public const string Section = "BloodUse";

    /// <summary>Path under which <c>/token</c> and <c>/blduseinfo</c> are served.</summary>
    [Required]
    public string PathBase { get; set; } = "/blood-use";

    /// <summary>HIS inpatient service (transfusions and discharge settlements).</summary>
    public Uri? HisBaseUrl { get; set; }

    /// <summary>The hospital's organisation code (组织机构编码): <c>hisId</c> is this code, "_" and the inpatient number.</summary>
    [StringLength(40)]
    public string InstitutionCode { get; set; } = "";

    /// <summary>How long a token is valid (<c>expires_in</c>; the seed's value is 7200 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Budget for one HIS lookup.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HisTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Browser origins of the reduction system's client allowed by CORS (never <c>*</c>).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Accounts of the reduction system's client; passwords only as hashes (tools/blood-use-password.py).</summary>
    public List<BloodUseClientOptions> Clients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PathBase.StartsWith('/') || PathBase.EndsWith('/') || PathBase.Contains('?'))
            yield return new ValidationResult("BloodUse:PathBase must start with '/' and not end with '/' (e.g. /blood-use).", [nameof(PathBase)]);
        foreach (var origin in AllowedOrigins.Where(o => !IsOrigin(o)))
            yield return new ValidationResult($"BloodUse:AllowedOrigins: '{origin}' is not an origin; use scheme://host[:port] with no path and no wildcard.",
                [nameof(AllowedOrigins)]);
        for (var i = 0; i < Clients.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Clients[i].Id))
                yield return new ValidationResult($"BloodUse:Clients:{i}:Id is required.", [nameof(Clients)]);
            if (!BloodUsePasswordHash.IsWellFormed(Clients[i].PasswordHash))
                yield return new ValidationResult($"BloodUse:Clients:{i}:PasswordHash is not a PBKDF2 hash (make one with tools/blood-use-password.py).",
                    [nameof(Clients)]);
        }
        if (Clients.Count > 0 && HisBaseUrl is null)
            yield return new ValidationResult("BloodUse:HisBaseUrl is required when BloodUse:Clients are configured.", [nameof(HisBaseUrl)]);
        if (Clients.Count > 0 && string.IsNullOrWhiteSpace(InstitutionCode))
            yield return new ValidationResult("BloodUse:InstitutionCode is required when BloodUse:Clients are configured.", [nameof(InstitutionCode)]);
    }

    private static bool IsOrigin(string value) =>
        !value.Contains('*') && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && !value.EndsWith('/') && string.IsNullOrEmpty(uri.Query);
}

/// <summary>One account of the reduction system's client (<c>id</c> and the hash of its <c>password</c>).</summary>
internal sealed class BloodUseClientOptions
{
    [Required, StringLength(64)]
    public string Id { get; set; } = "";

    [Required]
    public string PasswordHash { get; set; } = "";
}
