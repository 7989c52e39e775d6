using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Workstation.Portal.Hosting;

/// <summary>A request the framework could not bind (a JSON value of the wrong type, broken JSON, a missing body, a body
/// over its size limit) is answered like every other bad request: a ProblemDetails that names the field, e.g.
/// <c>"cardNumber": 12345</c> → <c>errors.cardNumber: ["The field cardNumber must be a string."]</c>, instead of a bare
/// "Bad Request". Minimal APIs throw these only with <c>RouteHandlerOptions.ThrowOnBadRequest</c>, which the portal sets.
/// Outside <c>/api</c> (pages, the blood-use interface with its own envelope) the status is kept and nothing is written,
/// as before.</summary>
internal sealed partial class BadRequestBodyHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        http.Response.StatusCode = bad.StatusCode;
        if (!http.Request.Path.StartsWithSegments("/api")) return true;
        var details = bad.InnerException is JsonException json
            ? FieldProblem(json)
            : new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", Detail = bad.Message };
        details.Status = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = details });
    }

    /// <summary>The field at the JSON path of <paramref name="json"/>, with what it must be.</summary>
    internal static HttpValidationProblemDetails FieldProblem(JsonException json)
    {
        var field = FieldOf(json.Path);
        var expected = ExpectedType().Match(json.Message) is { Success: true } m ? Describe(m.Groups[1].Value) : null;
        var message = field is null
            ? "The request body is not valid JSON."
            : expected is null ? $"The field {field} has a value of the wrong type." : $"The field {field} must be {expected}.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field ?? "body"] = [message] })
        {
            Title = "One or more validation errors occurred.",
        };
    }

    /// <summary><c>$.context.doctorId</c> → <c>context.doctorId</c>; <c>$.items[0].lineId</c> → <c>items[0].lineId</c>.</summary>
    internal static string? FieldOf(string? path) => path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string? Describe(string clrType)
    {
        var type = clrType.TrimEnd('.').Replace("System.Nullable`1[", "").TrimEnd(']');
        return type switch
        {
            "System.String" => "a string",
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Decimal" or "System.Double" or "System.Single" => "a number",
            "System.Boolean" => "true or false",
            "System.DateTime" or "System.DateTimeOffset" => "a date and time (ISO 8601)",
            "System.DateOnly" => "a date (yyyy-MM-dd)",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal)
                || type.StartsWith("System.Collections.Generic.IReadOnlyList", StringComparison.Ordinal) => "a list",
            _ when type.StartsWith("Workstation.", StringComparison.Ordinal) => "an object",
            _ => null,
        };
    }

    [GeneratedRegex(@"could not be converted to ([\w.`\[\],]+)")]
    private static partial Regex ExpectedType();
}
