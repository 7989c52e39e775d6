using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Alerts;

/// <summary>Critical-value routing and escalation (section <c>Alerts</c>).</summary>
internal sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Unacknowledged this long → the department head / on-duty doctor becomes accountable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "04:00:00")]
    public TimeSpan EscalateToDepartmentAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Still unacknowledged this long after the report → medical affairs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "12:00:00")]
    public TimeSpan EscalateToMedicalAffairsAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Significant-risk results must be acknowledged within this window (not blocking).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "24:00:00")]
    public TimeSpan SignificantWindow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>On-duty doctor per department code (when the ordering doctor is not online).</summary>
    public Dictionary<string, string> OnDuty { get; set; } = [];

    /// <summary>Department head per department code (first escalation).</summary>
    public Dictionary<string, string> DepartmentHeads { get; set; } = [];

    /// <summary>Accountable at the last level (医务科).</summary>
    [Required]
    public string MedicalAffairs { get; set; } = "YWK";

    /// <summary>How often escalation timers and the outbox are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>LIS/PACS base URL for the closed loop (handling goes back there).</summary>
    public Uri? LisBaseUrl { get; set; }
}
