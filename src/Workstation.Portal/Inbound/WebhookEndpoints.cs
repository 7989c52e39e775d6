using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Validation.Embedded;
using Workstation.Portal.Hosting;
using Workstation.Portal.Notifications;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Inbound;

/// <summary>Inbound webhooks from LIS, PACS and HIS (see docs/webhooks.md).</summary>
public static class WebhookEndpoints
{
    public const string TimestampHeader = "X-Workstation-Timestamp";
    public const string SignatureHeader = "X-Workstation-Signature";

    /// <summary>Seed 000's header name, accepted from HIS.</summary>
    public const string HisSignatureHeader = "X-HIS-Signature";

    public const int MaxBody = 64 * 1024;

    internal static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/{source}", ReceiveAsync)
            .AllowAnonymous() // authenticated by the HMAC signature, not by a key or cookie
            .WithMetadata(new SignedRequestMetadata())
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
        IEnumerable<IInboundEventHandler> handlers, IDbContextFactory<PortalDbContext> dbFactory, RequestValidator validator,
        Notifier<InboundEventStored> stored, TimeProvider time, ILogger<InboundEvent> logger)
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

        // The body is read raw (the signature covers its bytes), then bound and validated like every other request body:
        // the envelope here, its data by the features that act on the event type.
        WebhookEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<WebhookEnvelope>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return ex.Path is { Length: > 1 } ? Results.Problem(BadRequestBodyHandler.FieldProblem(ex))
                : Results.Problem(statusCode: 400, title: "Malformed event", detail: "The body is not valid JSON.");
        }
        if (envelope is null) return Results.Problem(statusCode: 400, title: "Malformed event", detail: "The body is empty or null.");
        if (await validator.ValidateAsync(envelope, http.RequestAborted) is { } errors) return RequestValidator.Problem(errors);
        var acting = new List<(IInboundEventHandler Handler, object Data)>();
        foreach (var handler in handlers.Where(h => h.Handles(source, envelope.Type)))
        {
            var binding = await handler.BindAsync(envelope.Data, http.RequestAborted);
            if (binding.Errors is { } dataErrors) return RequestValidator.Problem(dataErrors.ToDictionary(e => e.Key.Length == 0 ? "data" : "data." + e.Key, e => e.Value));
            acting.Add((handler, binding.Data!));
        }

        // The event and whatever its handlers create (an alert, a result notice) are stored in one transaction before 202.
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        if (await db.Set<InboundEvent>().AnyAsync(e => e.Source == source && e.EventId == envelope.EventId, http.RequestAborted))
            return Replayed(envelope.EventId);
        var inbound = new InboundEvent
        {
            Source = source, EventId = envelope.EventId, Type = envelope.Type, ReceivedAt = time.GetUtcNow().UtcDateTime,
            PayloadJson = Encoding.UTF8.GetString(body),
        };
        db.Add(inbound);
        var afterCommit = new List<Action>();
        foreach (var (handler, data) in acting)
        {
            if (await handler.StageAsync(db, inbound, data, http.RequestAborted) is { } after) afterCommit.Add(after);
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None); // stored before 202; a cancelled request does not undo it
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Replayed(envelope.EventId); // the same event id raced in twice: the unique index kept one
        }
        foreach (var after in afterCommit) after();
        stored.Publish(new InboundEventStored(inbound.Id, source, envelope.Type));
        return Results.Accepted();
    }

    private static IResult Replayed(string eventId) =>
        Results.Problem(statusCode: 409, title: "Replayed event", detail: $"Event '{eventId}' was already received.");

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
