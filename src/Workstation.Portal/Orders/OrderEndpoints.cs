using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Hosting;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>Body of <c>POST /api/v1/orders/check</c>.</summary>
public sealed class OrderCheckApiRequest
{
    /// <summary>Doctor, patient and encounter (as for a launch).</summary>
    [Required]
    public LaunchRequest Context { get; set; } = new();

    /// <summary>HIS draft order id: every decision is tied to it and to the line ids.</summary>
    [Required, StringLength(64)]
    public string DraftOrderId { get; set; } = "";

    /// <summary>"add" (precise query, when the doctor adds items) or "save" (save-check, when the order is saved).</summary>
    [Required, AllowedValues(CheckStages.Add, CheckStages.Save)]
    public string Stage { get; set; } = CheckStages.Save;

    /// <summary>The lines to check (1 to 50), each with a line id unique within the check.</summary>
    [Required, MinLength(1), MaxLength(OrderCheckService.MaxLines), NoNullItems]
    public List<OrderLine> Items { get; set; } = [];
}

/// <summary>A matching report, as HIS shows it.</summary>
internal sealed record MatchedReport(string ReportId, string InstitutionName, DateTime ReportDate, DateTime ValidUntil, string ResultSummary);

internal sealed record LineCheckResponse(string LineId, string ItemCode, string ItemName, bool Duplicate, bool Decided,
    IReadOnlyList<MatchedReport> Reports, DecisionSummary? Decision);

/// <summary>Answer of the order check. <c>status</c>: clear | duplicates | not-checked. When lines are undecided,
/// <c>decisionUrl</c> opens the forced dialog for the doctor (one-time, in the HIS overlay).</summary>
internal sealed record OrderCheckResponse(string CheckId, string Status, string? Reason, IReadOnlyList<LineCheckResponse> Lines, string? DecisionUrl);

/// <summary>A line of an order HIS is about to save, with the decision token it received.</summary>
public sealed record ValidateLine(
    [property: Required, StringLength(64)] string LineId,
    [property: Required, StringLength(16)] string ItemCode,
    [property: StringLength(100)] string? DecisionToken);

/// <summary>Body of <c>POST /api/v1/orders/validate</c>.</summary>
public sealed class OrderValidateRequest
{
    [Required, StringLength(40)]
    public string EncounterId { get; set; } = "";

    [Required, StringLength(64)]
    public string DraftOrderId { get; set; } = "";

    [Required, MinLength(1), MaxLength(OrderCheckService.MaxLines), NoNullItems]
    public List<ValidateLine> Items { get; set; } = [];
}

internal sealed record OrderValidateResponse(string Status, IReadOnlyList<DecisionSummary> Decisions, IReadOnlyList<string> NotCheckedLines);

internal sealed record RetainedReportResponse(string ReportId, string ItemCode, string ItemName, string InstitutionName,
    DateTime ReportDate, DateTime RetainedAt, string PdfUrl, JsonElement Detail);

internal static class OrderEndpoints
{
    internal static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(HisApiKeyHandler.Policy).WithTags("Orders");

        api.MapPost("/orders/check", CheckAsync)
            .WithName("CheckOrder")
            .WithSummary("Check order lines for duplicates of recognisable results")
            .WithDescription("stage=add uses the platform's precise query, stage=save its save-check. Answers within the platform " +
                             "budget (2 s); when the platform is slow or down the status is 'not-checked', HIS may proceed, and the " +
                             "portal re-checks later.");
        api.MapPost("/orders/validate", ValidateAsync)
            .WithName("ValidateOrderSave")
            .WithSummary("Validate an order before HIS saves it")
            .WithDescription("200 when every line that duplicates a recognisable result has a decision; 409 naming the undecided lines otherwise.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/encounters/{encounterId}/decisions", DecisionsAsync)
            .WithName("GetEncounterDecisions").WithSummary("Recognition decisions of an encounter");
        api.MapGet("/encounters/{encounterId}/reports", ReportsAsync)
            .WithName("GetEncounterReports").WithSummary("Reports retained for an encounter after 互认");
        api.MapGet("/encounters/{encounterId}/reports/{reportId}/pdf", PdfAsync)
            .WithName("GetEncounterReportPdf").WithSummary("PDF of a retained report")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static string ClientId(ClaimsPrincipal user) => user.FindFirst(HisApiKeyHandler.ClientClaim)!.Value;

    private static async Task<Results<Ok<OrderCheckResponse>, ProblemHttpResult>> CheckAsync(
        OrderCheckApiRequest body, HttpContext http, OrderCheckService checks, CancellationToken ct)
    {
        if (body.Context.Problem() is { } problem) return TypedResults.Problem(statusCode: 400, title: "Invalid context", detail: problem);
        var context = body.Context.ToContext(ClientId(http.User));
        OrderCheckOutcome outcome;
        try
        {
            // The decision URL's launch code is committed with the check record (same group commit).
            outcome = await checks.CheckAsync(context, body.DraftOrderId, body.Stage, body.Items, ct, issueDecisionCode: true, channel: CheckChannels.HisApi);
        }
        catch (OrderInputException ex)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid order", detail: ex.Message);
        }
        var url = outcome.DecisionCode is { } code
            ? $"{http.Request.Scheme}://{http.Request.Host}/launch?code={Uri.EscapeDataString(code)}"
            : null;
        return TypedResults.Ok(ToResponse(outcome, url));
    }

    public static OrderCheckResponse ToResponse(OrderCheckOutcome outcome, string? decisionUrl) => new(
        outcome.CheckId, outcome.Status, outcome.Reason?.ToString(),
        outcome.Lines.Select(l => new LineCheckResponse(l.LineId, l.ItemCode, l.ItemName, l.Duplicate, l.Decision is not null,
            l.Reports.Select(r => new MatchedReport(r.ReportId, r.InstitutionName, r.ReportDate, r.ValidUntil, r.ResultSummary)).ToList(),
            l.Decision)).ToList(),
        decisionUrl);

    private static async Task<Results<Ok<OrderValidateResponse>, ProblemHttpResult>> ValidateAsync(
        OrderValidateRequest body, HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        var clientId = ClientId(http.User);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checks = await db.OrderChecks.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.EncounterId == body.EncounterId && c.DraftOrderId == body.DraftOrderId)
            .OrderByDescending(c => c.CreatedAt).ToListAsync(ct);
        var decisions = await db.Decisions.AsNoTracking()
            .Where(d => d.ClientId == clientId && d.EncounterId == body.EncounterId).ToListAsync(ct);

        var undecided = new List<object>();
        var notChecked = new List<string>();
        var decided = new List<DecisionSummary>();
        foreach (var item in body.Items)
        {
            var latest = checks.FirstOrDefault(c => Lines(c).Any(l => l.LineId == item.LineId && l.ItemCode == item.ItemCode));
            if (latest is null)
            {
                undecided.Add(new { item.LineId, item.ItemCode, reason = "never checked: call /api/v1/orders/check first" });
                continue;
            }
            if (latest.Status == OrderCheckStatus.NotChecked)
            {
                notChecked.Add(item.LineId);
                continue;
            }
            var line = Lines(latest).First(l => l.LineId == item.LineId);
            if (!line.Duplicate) continue;
            var decision = decisions.FirstOrDefault(d => d.ItemCode == item.ItemCode && line.Reports.Any(r => r.ReportId == d.ReportId));
            if (decision is null)
                undecided.Add(new { item.LineId, item.ItemCode, reason = "duplicates a recognisable result; the doctor has not decided" });
            else if (item.DecisionToken is not null && item.DecisionToken != decision.DecisionToken)
                undecided.Add(new { item.LineId, item.ItemCode, reason = "the decision token does not match this line's decision" });
            else
                decided.Add(OrderCheckService.ToSummary(decision));
        }
        if (undecided.Count > 0)
        {
            return TypedResults.Problem(statusCode: 409, title: "Undecided duplicate items",
                detail: $"{undecided.Count} line(s) need a 互认/不互认 decision before the order can be saved.",
                extensions: new Dictionary<string, object?> { ["undecided"] = undecided });
        }
        return TypedResults.Ok(new OrderValidateResponse(notChecked.Count > 0 ? "not-checked" : "ok", decided, notChecked));
    }

    private static List<LineCheck> Lines(OrderCheck check) => JsonSerializer.Deserialize<List<LineCheck>>(check.LinesJson)!;

    private static async Task<Ok<List<RecognitionDecisionResponse>>> DecisionsAsync(
        string encounterId, HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        var clientId = ClientId(http.User);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Decisions.AsNoTracking().Where(d => d.ClientId == clientId && d.EncounterId == encounterId)
            .OrderBy(d => d.DecidedAt).ToListAsync(ct);
        return TypedResults.Ok(list.Select(RecognitionDecisionResponse.From).ToList());
    }

    private static async Task<Ok<List<RetainedReportResponse>>> ReportsAsync(
        string encounterId, HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        var clientId = ClientId(http.User);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.RetainedReports.AsNoTracking().Where(r => r.ClientId == clientId && r.EncounterId == encounterId)
            .OrderBy(r => r.RetainedAt)
            .Select(r => new { r.ReportId, r.ItemCode, r.ItemName, r.InstitutionName, r.ReportDate, r.RetainedAt, r.DetailJson })
            .ToListAsync(ct);
        return TypedResults.Ok(list.Select(r => new RetainedReportResponse(r.ReportId, r.ItemCode, r.ItemName, r.InstitutionName,
            r.ReportDate, r.RetainedAt, $"/api/v1/encounters/{Uri.EscapeDataString(encounterId)}/reports/{Uri.EscapeDataString(r.ReportId)}/pdf",
            JsonDocument.Parse(r.DetailJson).RootElement.Clone())).ToList());
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(
        string encounterId, string reportId, HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        var clientId = ClientId(http.User);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pdf = await db.RetainedReports.AsNoTracking()
            .Where(r => r.ClientId == clientId && r.EncounterId == encounterId && r.ReportId == reportId)
            .Select(r => r.Pdf).SingleOrDefaultAsync(ct);
        return pdf is null
            ? TypedResults.Problem(statusCode: 404, title: "Not retained", detail: "No retained report with that id for this encounter.")
            : TypedResults.File(pdf, "application/pdf", $"{reportId}.pdf");
    }
}

/// <summary>A decision as HIS and auditors read it.</summary>
internal sealed record RecognitionDecisionResponse(
    string DecisionToken, string DraftOrderId, string LineId, string ItemCode, string ItemName, string ReportId, string ReportInstitution,
    string Choice, IReadOnlyList<string> ReasonCodes, string? FreeText, string DoctorId, string DoctorName, string DepartmentCode,
    string Setting, string Stage, DateTime PresentedAt, DateTime DecidedAt, string RetainStatus)
{
    public static RecognitionDecisionResponse From(RecognitionDecision d) => new(d.DecisionToken, d.DraftOrderId, d.LineId, d.ItemCode,
        d.ItemName, d.ReportId, d.ReportInstitution, d.Choice, d.ReasonCodes.Length == 0 ? [] : d.ReasonCodes.Split(','), d.FreeText,
        d.DoctorId, d.DoctorName, d.DepartmentCode, d.Setting, d.Stage, d.PresentedAt, d.DecidedAt, d.RetainStatus);
}
