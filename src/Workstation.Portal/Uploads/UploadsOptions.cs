using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Uploads;

/// <summary>Uploads of this hospital's approved reports (section <c>Uploads</c>).</summary>
internal sealed class UploadsOptions : IValidatableObject
{
    public const string Section = "Uploads";

    /// <summary>The LIS report interface the feed pulls approved reports from.</summary>
    public Uri? LisBaseUrl { get; set; }

    /// <summary>The PACS report interface (exam reports); the LIS address when not set.</summary>
    public Uri? PacsBaseUrl { get; set; }

    /// <summary>The HIS master-data interface (patients, departments, staff; seed 000).</summary>
    public Uri? HisBaseUrl { get; set; }

    /// <summary>The key the portal sends to HIS as <c>X-Api-Key</c> (from a secret store in production).</summary>
    public string HisApiKey { get; set; } = "";

    /// <summary>How often the department and staff dictionaries are compared with what was sent.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "7.00:00:00")]
    public TimeSpan DictionarySyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Per department code: <c>Auto</c> (upload when the LIS approves, seed 003 item 20) or <c>Approve</c>
    /// (wait in the console until lab staff approve). Departments not listed use <see cref="DefaultMode"/>.</summary>
    public Dictionary<string, string> Departments { get; set; } = [];

    public string DefaultMode { get; set; } = UploadModes.Auto;

    /// <summary>How often the feed reads new report events when not woken by one.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FeedInterval { get; set; } = TimeSpan.FromSeconds(2);

    public string ModeOf(string departmentCode) => Departments.GetValueOrDefault(departmentCode) ?? DefaultMode;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (department, mode) in Departments.Append(new("(default)", DefaultMode)))
            if (mode is not (UploadModes.Auto or UploadModes.Approve))
                yield return new ValidationResult($"Uploads:Departments:{department} must be Auto or Approve.", [nameof(Departments)]);
        if (HisBaseUrl is not null && string.IsNullOrWhiteSpace(HisApiKey))
            yield return new ValidationResult("Uploads:HisApiKey is required when Uploads:HisBaseUrl is set.", [nameof(HisApiKey)]);
        if (LisBaseUrl is { IsAbsoluteUri: false })
            yield return new ValidationResult("Uploads:LisBaseUrl must be an absolute URL.", [nameof(LisBaseUrl)]);
    }
}

internal static class UploadModes
{
    public const string Auto = "Auto";
    public const string Approve = "Approve";
}
