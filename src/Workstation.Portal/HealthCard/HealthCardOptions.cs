using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.HealthCard;

/// <summary>The resident health card front-end checks (section <c>HealthCard</c>, seed 004).</summary>
internal sealed class HealthCardOptions : IValidatableObject
{
    public const string Section = "HealthCard";

    /// <summary>The city card-management system (市级居民健康卡卡管系统); without it the blacklist is not synced and
    /// verify answers from the blacklist last persisted.</summary>
    public Uri? CardSystemBaseUrl { get; set; }

    /// <summary>The key the card-management system gave this hospital's front-end system.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The hospital code the usage logs carry.</summary>
    [StringLength(40)]
    public string HospitalCode { get; set; } = "";

    /// <summary>How often the blacklist asks for deltas.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Health is degraded when the last successful sync is older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxBlacklistAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often pending usage logs are gathered into a batch for the card system.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most usage logs per batch.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>true (default): verify answers once its usage log is committed (nothing is lost, even in a crash; the
    /// answer waits for a disk flush shared with concurrent verifies). false: verify answers from memory at once and the
    /// log is committed by the same group commit right after (a crash loses the logs of the last few milliseconds;
    /// a normal shutdown drains them). See docs/health-card.md for the figures of both.</summary>
    public bool WaitForUsageLogCommit { get; set; } = true;

    /// <summary>Budget of one call to the card system (a full load of a million entries takes a few seconds).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CardSystemBaseUrl is not null && string.IsNullOrWhiteSpace(ApiKey))
            yield return new ValidationResult("HealthCard:ApiKey is required when HealthCard:CardSystemBaseUrl is set.", [nameof(ApiKey)]);
        if (CardSystemBaseUrl is not null && string.IsNullOrWhiteSpace(HospitalCode))
            yield return new ValidationResult("HealthCard:HospitalCode is required when HealthCard:CardSystemBaseUrl is set.", [nameof(HospitalCode)]);
    }
}
