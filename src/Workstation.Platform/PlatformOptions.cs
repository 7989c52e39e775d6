using System.ComponentModel.DataAnnotations;

namespace Workstation.Platform;

/// <summary>Connection to the mutual-recognition platform (section <c>Platform</c>).</summary>
public sealed class PlatformOptions : IValidatableObject
{
    public const string Section = "Platform";

    /// <summary>Base URL of the platform, e.g. https://hr.example.gov.cn/.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>Account the hospital was issued by the platform.</summary>
    [Required, MinLength(1)]
    public string Username { get; set; } = "";

    /// <summary>Password of that account; from a secret store in production.</summary>
    [Required, MinLength(1)]
    public string Password { get; set; } = "";

    /// <summary>Total time budget of one call including retries: what a doctor may wait.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time limit of a single attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Retries after the first attempt for transient failures (5xx, 408, 429, network).</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base delay between retries (exponential with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the circuit stays open after the platform keeps failing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Failure ratio over <see cref="SamplingDuration"/> that opens the circuit.</summary>
    [Range(0.1, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Window over which failures are counted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimum calls in the window before the circuit may open.</summary>
    [Range(2, 1000)]
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>Time limit of one upload attempt (bulk uploads from the outbox, which retries with backoff).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While the platform is down, how often a probe asks whether it is back (past the circuit breaker).</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A token is renewed this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromSeconds(60);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { IsAbsoluteUri: false } || BaseUrl is { Scheme: not ("http" or "https") })
            yield return new ValidationResult("Platform:BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        if (AttemptTimeout > RequestBudget)
            yield return new ValidationResult("Platform:AttemptTimeout must not exceed Platform:RequestBudget.", [nameof(AttemptTimeout)]);
    }
}
