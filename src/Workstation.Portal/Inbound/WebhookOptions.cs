using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Inbound;

/// <summary>A system allowed to post webhooks (section <c>Webhooks:Sources:{name}</c>).</summary>
public sealed class WebhookSource
{
    /// <summary>HMAC-SHA256 key shared with that system.</summary>
    [Required, MinLength(32)]
    public string Secret { get; set; } = "";
}

/// <summary>Inbound webhooks (section <c>Webhooks</c>).</summary>
internal sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>Sources by name: lis, pacs, his.</summary>
    public Dictionary<string, WebhookSource> Sources { get; set; } = [];

    /// <summary>How far a signed timestamp may be from the portal's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:30:00")]
    public TimeSpan ClockWindow { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, source) in Sources)
        {
            if (source.Secret.Length < 32)
                yield return new ValidationResult($"Webhooks:Sources:{name}:Secret must have at least 32 characters.");
        }
    }
}
