using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Hosting;

/// <summary>A HIS installation allowed to embed the portal and call its API (section <c>His:Clients</c>).</summary>
public sealed class HisClientOptions
{
    /// <summary>Stable id of the HIS client, e.g. "his-outpatient".</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,40}$")]
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Key HIS sends in <c>X-Api-Key</c> for server-to-server calls.</summary>
    [Required, MinLength(16)]
    public string ApiKey { get; set; } = "";

    /// <summary>Secret for HMAC-SHA256 signed launch URLs.</summary>
    [Required, MinLength(32)]
    public string LaunchSecret { get; set; } = "";

    /// <summary>Origins (scheme://host:port) of the HIS pages that embed the portal; they form CSP frame-ancestors.</summary>
    [Required, MinLength(1)]
    public List<string> Origins { get; set; } = [];
}

/// <summary>The HIS clients of this hospital (section <c>His</c>).</summary>
public sealed class HisOptions : IValidatableObject
{
    public const string Section = "His";

    public List<HisClientOptions> Clients { get; set; } = [];

    /// <summary>Every configured HIS origin, for CSP and postMessage checks.</summary>
    public IEnumerable<string> AllOrigins => Clients.SelectMany(c => c.Origins).Distinct(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Clients.Count; i++)
        {
            var client = Clients[i];
            var context = new ValidationContext(client);
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(client, context, results, validateAllProperties: true))
            {
                foreach (var r in results)
                    yield return new ValidationResult($"His:Clients:{i}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
            }
            foreach (var origin in client.Origins)
            {
                if (!IsOrigin(origin))
                    yield return new ValidationResult(
                        $"His:Clients:{i}:Origins: '{origin}' is not an origin; use scheme://host[:port] with no path and no wildcard.");
            }
        }
        var duplicate = Clients.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return new ValidationResult($"His:Clients: the id '{duplicate.Key}' is used twice.");
    }

    private static bool IsOrigin(string value) =>
        !value.Contains('*')
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && !value.EndsWith('/')
        && string.IsNullOrEmpty(uri.Query);
}

/// <summary>Telemetry export (section <c>Telemetry</c>).</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OTLP endpoint; traces and metrics are collected either way, exported only when set.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Service name reported to the collector.</summary>
    [Required]
    public string ServiceName { get; set; } = "workstation-portal";
}
