using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Workstation.Platform.Client;

/// <summary>Maps whatever a platform call threw to a <see cref="PlatformException"/> with a plain reason.</summary>
internal static class PlatformErrors
{
    public static PlatformException Translate(Exception ex, string operation) => ex switch
    {
        PlatformException p => p,
        // Refit wraps whatever the handler pipeline threw (circuit open, timeout, our token handler's failure).
        ApiRequestException { InnerException: { } inner } => Translate(inner, operation),
        BrokenCircuitException => new(PlatformFailure.Unavailable,
            $"The platform is failing repeatedly; calls are paused ({operation}).", ex),
        TimeoutRejectedException or TaskCanceledException or OperationCanceledException => new(PlatformFailure.Timeout,
            $"The platform did not answer in time ({operation}).", ex),
        ApiException { StatusCode: HttpStatusCode.Unauthorized } => new(PlatformFailure.Unauthorized,
            $"The platform refused the hospital's token ({operation}).", ex),
        ApiException api when (int)api.StatusCode >= 500 => new(PlatformFailure.Unavailable,
            $"The platform answered {(int)api.StatusCode}{(IsHtml(api) ? " with an HTML error page" : "")} ({operation}).", ex)
            {
                HttpStatus = (int)api.StatusCode,
            },
        ApiException { InnerException: JsonException } or JsonException => new(PlatformFailure.Malformed,
            $"The platform's answer was not valid JSON ({operation}).", ex),
        ApiException api when IsHtml(api) => new(PlatformFailure.Malformed,
            $"The platform answered an HTML page instead of data ({operation}).", ex),
        ApiException api => new(PlatformFailure.Rejected,
            $"The platform rejected the request with {(int)api.StatusCode} ({operation}){(EnvelopeWords(api) is { } words ? ": " + words : ".")}", ex)
            {
                PlatformWords = EnvelopeWords(api), HttpStatus = (int)api.StatusCode,
            },
        HttpRequestException => new(PlatformFailure.Unavailable, $"The platform cannot be reached ({operation}).", ex),
        _ => new(PlatformFailure.Malformed, $"Unexpected platform failure ({operation}): {ex.Message}", ex),
    };

    /// <summary>The platform's own code and message, verbatim, when a refusal carries its envelope.</summary>
    private static string? EnvelopeWords(ApiException api)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(api.Content ?? "");
            var root = json.RootElement;
            return root.TryGetProperty("message", out var message)
                ? $"{(root.TryGetProperty("code", out var code) ? code.ToString() + " " : "")}{message.GetString()}"
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static bool IsHtml(ApiException api) =>
        api.ContentHeaders?.ContentType?.MediaType == "text/html"
        || (api.Content?.TrimStart().StartsWith('<') ?? false);
}
