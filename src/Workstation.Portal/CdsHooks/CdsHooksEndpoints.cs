using Workstation.Portal.Localization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Workstation.Portal.CdsHooks;

/// <summary>The CDS Hooks 2.0 endpoints: discovery, the order-select and order-sign services, card feedback.</summary>
internal static class CdsHooksEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooksEndpoints(this IEndpointRouteBuilder app)
    {
        var cds = app.MapGroup("/cds-services").WithTags("CDS Hooks").AllowAnonymous(); // each call proves itself with its client JWT
        cds.MapGet("", DiscoveryAsync).WithName("CdsDiscovery")
            .WithSummary("CDS Hooks 2.0 discovery: the order-select and order-sign services")
            .WithDescription("Needs a client JWT (Authorization: Bearer) whose aud is this URL.")
            .Produces<CdsDiscovery>().ProducesProblem(StatusCodes.Status401Unauthorized);
        cds.MapPost("/{id}", ServiceAsync).WithName("CdsService")
            .WithSummary("Check draft orders (ServiceRequest) for duplicates of recognisable results")
            .WithDescription("CDS Hooks 2.0 service call. One warning card per undecided duplicate (its suggestion deletes that " +
                             "ServiceRequest; override reasons: the national decline reasons); an info card when the platform could " +
                             "not be asked (recorded as not checked). 412 when the patient is neither prefetched nor readable.")
            .Accepts<JsonElement>("application/json")
            .Produces<CdsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        cds.MapPost("/{id}/feedback", FeedbackAsync).WithName("CdsFeedback")
            .WithSummary("Card feedback: accepted → 互认, overridden with a decline reason → 不互认")
            .Accepts<CdsFeedbackRequest>("application/json")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Ok<CdsDiscovery>, ProblemHttpResult>> DiscoveryAsync(
        HttpContext http, CdsClientAuthenticator auth, CancellationToken ct)
    {
        if (!(await auth.AuthenticateAsync(http.Request, "/cds-services", ct)).Accepted) return Unauthorized(http);
        var zh = !English(http);
        return TypedResults.Ok(new CdsDiscovery(
        [
            new CdsServiceDescription("order-select", zh ? "互认：选择医嘱时查重" : "Recognition check when orders are selected",
                "Checks the selected draft ServiceRequests (recognition-catalogue or LOINC codes) against results other accredited " +
                "hospitals already produced; one card per duplicate asks the clinician to recognise (互认) or decline (不互认) with a coded reason.",
                CdsServices.OrderSelect, Prefetch),
            new CdsServiceDescription("order-sign", zh ? "互认：签署医嘱前查重" : "Recognition check before orders are signed",
                "Checks every draft ServiceRequest at signing; the cards of duplicates not yet decided are returned again until a decision is recorded.",
                CdsServices.OrderSign, Prefetch),
        ]));
    }

    private static readonly IReadOnlyDictionary<string, string> Prefetch = new Dictionary<string, string> { ["patient"] = "Patient/{{context.patientId}}" };

    private static async Task<IResult> ServiceAsync(string id, HttpContext http, CdsClientAuthenticator auth, CdsHookHandler handler,
        IOptionsMonitor<CdsHooksOptions> options, CancellationToken ct)
    {
        if (!CdsServices.All.ContainsKey(id)) return Problem(404, "Unknown service", $"There is no CDS service '{Cut(id)}'; see GET /cds-services.");
        var caller = await auth.AuthenticateAsync(http.Request, "/cds-services/" + id, ct);
        if (!caller.Accepted) return Unauthorized(http);
        var (body, problem) = await ReadJsonAsync(http, options.CurrentValue.MaxBodyBytes, ct);
        if (problem is not null) return problem;
        UseLanguage(http);
        try
        {
            var response = await handler.HandleAsync(caller.Client!, id, body, ct);
            return Results.Json(response, CdsServices.Json);
        }
        catch (CdsInputException ex)
        {
            return Problem(ex.Status, ex.Status == 412 ? "Patient not available" : "Invalid CDS Hooks request", ex.Message);
        }
    }

    private static async Task<IResult> FeedbackAsync(string id, HttpContext http, CdsClientAuthenticator auth, CdsFeedbackHandler handler,
        IOptionsMonitor<CdsHooksOptions> options, CancellationToken ct)
    {
        if (!CdsServices.All.ContainsKey(id)) return Problem(404, "Unknown service", $"There is no CDS service '{Cut(id)}'; see GET /cds-services.");
        var caller = await auth.AuthenticateAsync(http.Request, $"/cds-services/{id}/feedback", ct);
        if (!caller.Accepted) return Unauthorized(http);
        var (body, problem) = await ReadJsonAsync(http, options.CurrentValue.MaxBodyBytes, ct);
        if (problem is not null) return problem;
        CdsFeedbackRequest? request;
        try
        {
            request = body.Deserialize<CdsFeedbackRequest>(CdsServices.Json);
        }
        catch (JsonException)
        {
            return Problem(400, "Invalid feedback", "The body is not CDS Hooks feedback ({\"feedback\": [...]}).");
        }
        try
        {
            await handler.HandleAsync(caller.Client!, id, request, ct);
            return Results.Ok();
        }
        catch (CdsInputException ex)
        {
            return Problem(ex.Status, "Invalid feedback", ex.Message);
        }
    }

    /// <summary>The body as JSON, at most <paramref name="max"/> bytes.</summary>
    private static async Task<(JsonElement Body, IResult? Problem)> ReadJsonAsync(HttpContext http, int max, CancellationToken ct)
    {
        if (http.Request.ContentLength > max) return (default, Problem(413, "Request too large", $"The body may have at most {max:N0} bytes."));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return (default, Problem(413, "Request too large", $"The body may have at most {max:N0} bytes."));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, Problem(400, "Invalid JSON", "The body is not valid JSON."));
        }
    }

    /// <summary>401 without detail (why is in the audit trail and the log).</summary>
    internal static ProblemHttpResult Unauthorized(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid client JWT is required.");
    }

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>Cards in English when the EHR prefers English (Accept-Language), else Chinese.</summary>
    private static void UseLanguage(HttpContext http) =>
        http.RequestServices.GetRequiredService<UiCulture>().Set(English(http) ? UiCulture.English : UiCulture.Chinese);

    private static bool English(HttpContext http)
    {
        var preferred = StringWithQualityHeaderValue.TryParseList(http.Request.Headers.AcceptLanguage.Where(v => v is not null).Select(v => v!).ToList(), out var list)
            ? list.OrderByDescending(l => l.Quality ?? 1).Select(l => l.Value.ToString()).FirstOrDefault()
            : null;
        return preferred is not null && preferred.StartsWith("en", StringComparison.OrdinalIgnoreCase);
    }

    private static string Cut(string value) => value.Length > 40 ? value[..40] : value;
}
