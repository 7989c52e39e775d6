using System.ComponentModel.DataAnnotations;
using Workstation.Portal.Launch;

namespace Workstation.Portal.CdsHooks;

/// <summary>An EHR allowed to call the CDS Hooks service and the FHIR read API (section <c>CdsHooks:Clients</c>).</summary>
public sealed class CdsClientOptions
{
    /// <summary>Stable id; the decisions made through this EHR carry it as their HIS client id.</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,40}$")]
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The <c>iss</c> of the EHR's JWTs (exact match).</summary>
    [Required]
    public string Issuer { get; set; } = "";

    /// <summary>The EHR's JWK Set. A JWT's <c>jku</c> header, when present, must be exactly this URL.</summary>
    [Required]
    public string JwksUrl { get; set; } = "";

    /// <summary>The department the EHR's doctors are recorded in (a CDS Hooks request names the user, not the department).</summary>
    [Required, StringLength(32)]
    public string DepartmentCode { get; set; } = "";

    [Required, StringLength(64)]
    public string DepartmentName { get; set; } = "";

    /// <summary>outpatient | emergency | inpatient.</summary>
    public string Setting { get; set; } = CareSettings.Outpatient;
}

/// <summary>Section <c>CdsHooks</c>: the HL7 CDS Hooks 2.0 service and the FHIR R4 read API (docs/cds-hooks.md).</summary>
public sealed class CdsHooksOptions : IValidatableObject
{
    public const string Section = "CdsHooks";

    /// <summary>The portal's public base URL as the EHRs call it (e.g. https://workstation.hospital.cn): every JWT's
    /// <c>aud</c> must be the exact URL of the endpoint under it. Required when clients are configured.</summary>
    public string PublicBaseUrl { get; set; } = "";

    public List<CdsClientOptions> Clients { get; set; } = [];

    /// <summary>The longest a JWT may live (exp − iat).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tolerated clock difference with the EHR.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetching a JWK Set may take (within the 2 s budget of a hook).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a fetched JWK Set is used before it is fetched again (an unknown <c>kid</c> fetches it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan JwksLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>When refreshing an expired set fails (the EHR's JWKS URL times out or errs), the last set fetched keeps
    /// verifying the keys it holds until it is this old (a key it lacks still needs a successful fetch): a slow JWKS
    /// endpoint does not turn every doctor's card into a 401.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan JwksStaleLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A token naming a key the cached set lacks fetches the set again (key rotation), at most this often per
    /// client (a stream of made-up kids cannot make the portal hammer the EHR).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan JwksRefetchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long reading the patient from the EHR's FHIR server may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan FhirServerTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>How long a card's links (the report, the decision page) open the portal after the card was made; each
    /// click issues a fresh one-time launch code. Older: a plain "expired, select the order again" page.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan CardLinkLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The most draft orders one request may check.</summary>
    [Range(1, 200)]
    public int MaxDraftOrders { get; set; } = 50;

    /// <summary>Who verifies ES384 client JWTs: Auto (Nettle's libhogweed when the system has it, twice as fast as
    /// OpenSSL 3.0 on P-384; else OpenSSL) or OpenSsl (always).</summary>
    [EnumDataType(typeof(P384Verifier))]
    public P384Verifier P384Verifier { get; set; } = P384Verifier.Auto;

    /// <summary>The largest request body (bytes).</summary>
    [Range(1024, 10_000_000)]
    public int MaxBodyBytes { get; set; } = 1_000_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Clients.Count > 0 && !IsHttpUrl(PublicBaseUrl))
            yield return new ValidationResult("CdsHooks:PublicBaseUrl must be the portal's absolute http(s) base URL when CdsHooks:Clients are configured (it is every JWT's audience).");
        for (var i = 0; i < Clients.Count; i++)
        {
            var client = Clients[i];
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(client, new ValidationContext(client), results, validateAllProperties: true))
            {
                foreach (var r in results) yield return new ValidationResult($"CdsHooks:Clients:{i}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
            }
            if (!Uri.TryCreate(client.Issuer, UriKind.Absolute, out _))
                yield return new ValidationResult($"CdsHooks:Clients:{i}:Issuer must be an absolute URI (the JWT's iss).");
            if (!IsHttpUrl(client.JwksUrl))
                yield return new ValidationResult($"CdsHooks:Clients:{i}:JwksUrl must be an absolute http(s) URL.");
            if (!CareSettings.All.Contains(client.Setting))
                yield return new ValidationResult($"CdsHooks:Clients:{i}:Setting must be outpatient, emergency or inpatient.");
        }
        foreach (var (key, name) in new[] { (Clients.Select(c => c.Id), "id"), (Clients.Select(c => c.Issuer), "issuer") })
        {
            if (key.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
                yield return new ValidationResult($"CdsHooks:Clients: the {name} '{duplicate.Key}' is used twice.");
        }
    }

    /// <summary>The exact URL an endpoint path is called by (a JWT's audience).</summary>
    public string Audience(string path) => PublicBaseUrl.TrimEnd('/') + path;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}

/// <summary>See <see cref="CdsHooksOptions.P384Verifier"/>.</summary>
public enum P384Verifier
{
    Auto,
    OpenSsl,
}
