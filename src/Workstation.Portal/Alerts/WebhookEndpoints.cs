using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

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
        AlertService alerts, TimeProvider time, ILogger<AlertService> logger)
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

        WebhookEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<WebhookEnvelope>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: 400, title: "Malformed event", detail: ex.Message);
        }
        if (envelope?.Problem() is { } problem || envelope is null)
            return Results.Problem(statusCode: 400, title: "Malformed event", detail: envelope?.Problem() ?? "empty body");

        var outcome = await alerts.ReceiveAsync(source, envelope, Encoding.UTF8.GetString(body), http.RequestAborted);
        return outcome switch
        {
            ReceiveOutcome.Duplicate => Results.Problem(statusCode: 409, title: "Replayed event", detail: $"Event '{envelope.EventId}' was already received."),
            ReceiveOutcome.Invalid invalid => Results.Problem(statusCode: 400, title: "Malformed event", detail: invalid.Reason),
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

/// <summary>Every webhook body: <c>{ eventId, type, occurredAt, data }</c>.</summary>
public sealed class WebhookEnvelope
{
    public string EventId { get; set; } = "";

    /// <summary>critical-value | report-ready | report-revoked | VISIT_STARTED | VISIT_COMPLETED | ...</summary>
    public string Type { get; set; } = "";

    public DateTime? OccurredAt { get; set; }

    public JsonElement Data { get; set; }

    public string? Problem() =>
        string.IsNullOrWhiteSpace(EventId) || EventId.Length > 100 ? "eventId is required (at most 100 characters)."
        : string.IsNullOrWhiteSpace(Type) || Type.Length > 40 ? "type is required."
        : Data.ValueKind != JsonValueKind.Object ? "data must be an object."
        : null;
}

/// <summary>The data of a critical-value event.</summary>
public sealed class CriticalValueData
{
    public string PatientId { get; set; } = "";
    public string PatientName { get; set; } = "";
    public string EncounterId { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public string ItemName { get; set; } = "";
    public string Value { get; set; } = "";
    public string Unit { get; set; } = "";
    public string ReferenceRange { get; set; } = "";
    public string? Tier { get; set; }
    public string ReportedBy { get; set; } = "";
    public DateTime ReportedAt { get; set; }
    public string RecordId { get; set; } = "";
    public string OrderingDoctorId { get; set; } = "";
    public string DepartmentCode { get; set; } = "";

    public string? Problem()
    {
        string[] required = [PatientId, PatientName, EncounterId, ItemName, Value, RecordId, OrderingDoctorId, DepartmentCode];
        if (required.Any(string.IsNullOrWhiteSpace))
            return "critical-value data needs patientId, patientName, encounterId, itemName, value, recordId, orderingDoctorId and departmentCode.";
        if (Tier is not null and not (AlertTiers.Critical or AlertTiers.Significant)) return "tier must be 'critical' or 'significant'.";
        return required.Any(v => v.Length > 100) ? "a field is too long." : null;
    }
}

/// <summary>The data of a report-ready / report-revoked event.</summary>
public sealed class ResultEventData
{
    public string PatientId { get; set; } = "";
    public string PatientName { get; set; } = "";
    public string OrderingDoctorId { get; set; } = "";
    public string ItemName { get; set; } = "";
}
