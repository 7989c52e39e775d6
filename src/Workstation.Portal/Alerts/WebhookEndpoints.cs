using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Validation.Embedded;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Alerts;

/// <summary>Inbound webhooks from LIS, PACS and HIS (see docs/webhooks.md).</summary>
public static class WebhookEndpoints
{
    public const string TimestampHeader = "X-Workstation-Timestamp";
    public const string SignatureHeader = "X-Workstation-Signature";

    /// <summary>Seed 000's header name, accepted from HIS.</summary>
    public const string HisSignatureHeader = "X-HIS-Signature";

    public const int MaxBody = 64 * 1024;

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/{source}", ReceiveAsync)
            .AllowAnonymous() // authenticated by the HMAC signature, not by a key or cookie
            .WithTags("Webhooks")
            .WithName("ReceiveWebhook")
            .WithSummary("Receive an event from LIS, PACS or HIS")
            .WithDescription("Headers: X-Workstation-Timestamp (Unix seconds) and X-Workstation-Signature = lowercase hex " +
                             "HMAC-SHA256(secret, timestamp + \".\" + raw body); HIS may send X-HIS-Signature instead. The event is " +
                             "stored before 202 is returned; a repeated eventId answers 409.")
            .Accepts<WebhookEnvelope>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(409);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(string source, HttpContext http, IOptionsMonitor<WebhookOptions> options,
        AlertService alerts, RequestValidator validator, Notifications.Notifier<Notifications.InboundEventStored> stored, TimeProvider time,
        ILogger<AlertService> logger)
    {
        source = source.ToLowerInvariant();
        if (!options.CurrentValue.Sources.TryGetValue(source, out var config))
            return Unauthorized("Unknown source", $"'{source}' is not a configured webhook source.");

        var body = await ReadBodyAsync(http);
        if (body is null) return Results.Problem(statusCode: 400, title: "Body too large", detail: $"At most {MaxBody} bytes.");
        var timestamp = http.Request.Headers[TimestampHeader].ToString();
        var signature = http.Request.Headers[SignatureHeader].ToString();
        if (signature.Length == 0 && source == "his") signature = http.Request.Headers[HisSignatureHeader].ToString();
        if (timestamp.Length == 0 || signature.Length == 0)
            return Unauthorized("Unsigned", $"{TimestampHeader} and {SignatureHeader} are required.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).TotalSeconds)
               > options.CurrentValue.ClockWindow.TotalSeconds)
            return Unauthorized("Stale", "The timestamp is outside the accepted window.");
        if (!Verify(config.Secret, timestamp, body, signature))
        {
            logger.LogWarning("Webhook from {Source} with a wrong signature refused", source);
            return Unauthorized("Bad signature", "The signature does not match.");
        }

        // The body is read raw (the signature covers its bytes), then bound and validated like every other request body.
        WebhookEnvelope? envelope;
        object? data;
        try
        {
            envelope = JsonSerializer.Deserialize<WebhookEnvelope>(body, JsonSerializerOptions.Web);
            if (envelope is null) return Results.Problem(statusCode: 400, title: "Malformed event", detail: "The body is empty or null.");
            data = envelope.Type switch
            {
                WebhookEventTypes.CriticalValue => envelope.Data.Deserialize<CriticalValueData>(JsonSerializerOptions.Web),
                WebhookEventTypes.ReportReady or WebhookEventTypes.ReportRevoked => envelope.Data.Deserialize<ResultEventData>(JsonSerializerOptions.Web),
                _ => null,
            };
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: 400, title: "Malformed event", detail: ex.Message);
        }
        if (await validator.ValidateAsync(envelope, http.RequestAborted) is { } errors) return RequestValidator.Problem(errors);
        var dataErrors = data switch
        {
            CriticalValueData critical => await validator.ValidateAsync(critical, http.RequestAborted),
            ResultEventData result => await validator.ValidateAsync(result, http.RequestAborted),
            _ => null,
        };
        if (dataErrors is not null) return RequestValidator.Problem(dataErrors.ToDictionary(e => "data." + e.Key, e => e.Value));

        var outcome = await alerts.ReceiveAsync(source, envelope, data, Encoding.UTF8.GetString(body), http.RequestAborted);
        if (outcome is ReceiveOutcome.Stored { InboundId: var id }) stored.Publish(new Notifications.InboundEventStored(id, source, envelope.Type));
        return outcome switch
        {
            ReceiveOutcome.Duplicate => Results.Problem(statusCode: 409, title: "Replayed event", detail: $"Event '{envelope.EventId}' was already received."),
            _ => Results.Accepted(),
        };
    }

    /// <summary>Lowercase hex HMAC-SHA256 over "{timestamp}.{body}" (what senders compute).</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var message = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    private static bool Verify(string secret, string timestamp, byte[] body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)),
            Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant()));

    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody) return null;
        }
        return buffer.ToArray();
    }

    private static ProblemHttpResult Unauthorized(string title, string detail) => TypedResults.Problem(statusCode: 401, title: title, detail: detail);
}

/// <summary>Event types the portal acts on; others are stored only.</summary>
public static class WebhookEventTypes
{
    public const string CriticalValue = "critical-value";
    public const string ReportReady = "report-ready";
    public const string ReportRevoked = "report-revoked";
}

/// <summary>Every webhook body: <c>{ eventId, type, occurredAt, data }</c>.</summary>
[ValidatableType]
public sealed class WebhookEnvelope : IValidatableObject
{
    [Required, StringLength(100)]
    public string EventId { get; set; } = "";

    /// <summary>critical-value | report-ready | report-revoked | VISIT_STARTED | VISIT_COMPLETED | ...</summary>
    [Required, StringLength(40)]
    public string Type { get; set; } = "";

    public DateTime? OccurredAt { get; set; }

    public JsonElement Data { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Data.ValueKind != JsonValueKind.Object) yield return new ValidationResult("data must be an object.", [nameof(Data)]);
    }
}

/// <summary>The data of a critical-value event.</summary>
[ValidatableType]
public sealed class CriticalValueData
{
    [Required, StringLength(100)]
    public string PatientId { get; set; } = "";

    [Required, StringLength(100)]
    public string PatientName { get; set; } = "";

    [Required, StringLength(100)]
    public string EncounterId { get; set; } = "";

    [StringLength(100)]
    public string ItemCode { get; set; } = "";

    [Required, StringLength(100)]
    public string ItemName { get; set; } = "";

    [Required, StringLength(100)]
    public string Value { get; set; } = "";

    [StringLength(40)]
    public string Unit { get; set; } = "";

    [StringLength(100)]
    public string ReferenceRange { get; set; } = "";

    /// <summary>critical (blocking) or significant (banner); critical when absent.</summary>
    [AllowedValues(null, AlertTiers.Critical, AlertTiers.Significant)]
    public string? Tier { get; set; }

    [StringLength(100)]
    public string ReportedBy { get; set; } = "";

    public DateTime ReportedAt { get; set; }

    [Required, StringLength(100)]
    public string RecordId { get; set; } = "";

    [Required, StringLength(100)]
    public string OrderingDoctorId { get; set; } = "";

    [Required, StringLength(100)]
    public string DepartmentCode { get; set; } = "";
}

/// <summary>The data of a report-ready / report-revoked event.</summary>
[ValidatableType]
public sealed class ResultEventData
{
    [Required, StringLength(100)]
    public string PatientId { get; set; } = "";

    [StringLength(100)]
    public string PatientName { get; set; } = "";

    [StringLength(100)]
    public string OrderingDoctorId { get; set; } = "";

    [StringLength(100)]
    public string ItemName { get; set; } = "";
}
