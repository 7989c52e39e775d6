using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

/// <summary>The quality-review API (<c>/api/v1/review</c>): staff cookie, QualityOfficer or Admin; ProblemDetails on error.</summary>
internal static class ReviewEndpoints
{
    internal static IEndpointRouteBuilder MapReviewEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/review").RequireAuthorization(ReviewRegistration.Policy).WithTags("Review");

        api.MapGet("/decisions", async Task<Results<Ok<ReviewPage<DecisionRow>>, ProblemHttpResult>> (HttpContext http, ReviewExplorer explorer, CancellationToken ct) =>
            {
                var (filter, problem) = await ResolveAsync(http, explorer, ct);
                if (problem is not null) return problem;
                if (filter!.Filter.Outcome == ReviewOutcomes.NotChecked)
                    return Bad("Not-checked events are listed by /api/v1/review/not-checked.");
                return TypedResults.Ok(await explorer.DecisionsAsync(filter, Actor(http), ct));
            })
            .WithName("ListReviewDecisions")
            .WithSummary("Recognition decisions, filtered and paged")
            .WithDescription("Filters: from, to (yyyy-MM-dd, local days, at most two years; default the last 90 days), department, doctor, " +
                             "setting (outpatient|emergency|inpatient), item, institution, outcome (recognise|decline), reason (a national decline " +
                             "reason code); page (from 1) and pageSize (1-200, default 50). Newest first. The read is audited.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);

        api.MapGet("/not-checked", async Task<Results<Ok<ReviewPage<NotCheckedRow>>, ProblemHttpResult>> (HttpContext http, ReviewExplorer explorer, CancellationToken ct) =>
            {
                var (filter, problem) = await ResolveAsync(http, explorer, ct);
                if (problem is not null) return problem;
                return TypedResults.Ok(await explorer.NotCheckedAsync(filter!, Actor(http), ct));
            })
            .WithName("ListReviewNotChecked")
            .WithSummary("Order checks that could not be checked at order time, and whether they were reconciled later")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);

        api.MapGet("/decisions/{id:long}", async Task<Results<Ok<DecisionDetail>, ProblemHttpResult>> (long id, HttpContext http, ReviewExplorer explorer, CancellationToken ct) =>
                await explorer.DetailAsync(id, Actor(http), ct) is { } detail
                    ? TypedResults.Ok(detail)
                    : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no decision {id}."))
            .WithName("GetReviewDecision")
            .WithSummary("One decision with the matched report, the order line, the doctor, its timeline and review marks (audited)")
            .ProducesProblem(404);

        api.MapPost("/decisions/{id:long}/marks", async Task<Results<Created<MarkRow>, ProblemHttpResult>> (long id, MarkRequest body, HttpContext http, ReviewMarking marking, CancellationToken ct) =>
            {
                if (!ReviewMarkKinds.IsValid(body.Kind)) return Bad("kind must be 'appropriate' or 'questionable'.");
                if (body.Comment is { Length: > ReviewMarkKinds.CommentMaxLength })
                    return Bad($"The comment is longer than {ReviewMarkKinds.CommentMaxLength} characters.");
                var mark = await marking.MarkAsync(id, body.Kind, body.Comment, Actor(http), ct);
                return mark is null
                    ? TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no decision {id}.")
                    : TypedResults.Created($"/api/v1/review/decisions/{id}", mark);
            })
            .WithName("MarkReviewDecision")
            .WithSummary("Mark a decision appropriate or questionable, with an optional comment (the decision itself never changes)")
            .ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/marks", async Task<Results<Ok<IReadOnlyList<MarkTally>>, ProblemHttpResult>> (string? department, ReviewMarking marking, CancellationToken ct) =>
                department is { Length: > 32 }
                    ? Bad("department is at most 32 characters.")
                    : TypedResults.Ok(await marking.MarkTalliesAsync(department, ct)))
            .WithName("ListReviewMarks")
            .WithSummary("Review marks per department and doctor (feedback)");

        api.MapGet("/summary", async Task<Results<Ok<ReviewSummary>, ProblemHttpResult>> (HttpContext http, ReviewExplorer explorer, ReviewSummaryService summaries, AuditLog audit, CancellationToken ct) =>
            {
                var (filter, problem) = await ResolveAsync(http, explorer, ct);
                if (problem is not null) return problem;
                var summary = await summaries.SummarizeAsync(filter!, ct);
                await audit.RecordSummaryViewAsync(Actor(http), filter!.Filter.ToQueryString(), ct);
                return TypedResults.Ok(summary);
            })
            .WithName("GetReviewSummary")
            .WithSummary("Dashboard figures: recognition rate (goal 10), dialog measure, decline rates and reasons, not-checked, institutions, " +
                         "cost avoided, trends, critical-value timeliness. Definitions: docs/review-definitions.md")
            .ProducesProblem(400);

        api.MapGet("/critical-values", async Task<Results<Ok<CriticalValuePage>, ProblemHttpResult>> (HttpContext http, ReviewExplorer explorer,
                CriticalValueReview review, CancellationToken ct) =>
            {
                var (filter, resolved, problem) = await ResolveCriticalAsync(http, explorer, ct);
                if (problem is not null) return problem;
                return TypedResults.Ok(await review.PageAsync(resolved!, filter!, Actor(http), ct));
            })
            .WithName("ListCriticalValues")
            .WithSummary("Critical values with their steps, and CL-14 / CL-15 over everything the filter matches")
            .WithDescription("Filters: from, to, department (as the decisions), tier (critical|significant), state (open|acknowledged|handled), " +
                             "escalated (true|false), late (true: only those not received within their tier's limit); page, pageSize. " +
                             "CL-14 危急值通报率 and CL-15 危急值通报及时率 count repeat results of one specimen once. The read is audited.")
            .ProducesProblem(400);

        api.MapGet("/critical-values/export", async Task<IResult> (HttpContext http, ReviewExplorer explorer, CriticalValueReview review, CancellationToken ct) =>
            {
                var format = Clean(http.Request.Query["format"]) ?? ExportFormats.Xlsx;
                if (format is not (ExportFormats.Csv or ExportFormats.Xlsx)) return Bad("format must be 'csv' or 'xlsx'.");
                var (filter, resolved, problem) = await ResolveCriticalAsync(http, explorer, ct);
                if (problem is not null) return problem;
                var rows = await review.ExportAsync(resolved!, filter!, format, Actor(http), ct);
                if (rows.Count == 0) return Bad("No critical value matches these filters: there is nothing to export.");
                var name = $"critical-values-{resolved!.Filter.From:yyyyMMdd}-{resolved.Filter.To:yyyyMMdd}.{format}";
                return format == ExportFormats.Csv
                    ? Results.Stream(st => ReviewExportWriter.WriteCsvAsync(st, rows.ToAsyncEnumerable(), ct), ExportFormats.ContentType(format), name)
                    : Results.File(await ReviewExportWriter.WriteXlsxAsync(rows, "危急值", ct), ExportFormats.ContentType(format), name);
            })
            .WithName("ExportCriticalValues")
            .WithSummary("Export the filtered critical values as format=csv or xlsx (Chinese headers; audited)")
            .Produces(200, contentType: "text/csv").Produces(200, contentType: ExportFormats.ContentType(ExportFormats.Xlsx))
            .ProducesProblem(400);

        api.MapGet("/export", ExportAsync)
            .WithName("ExportReview")
            .WithSummary("Export the filtered decisions (what=decisions) or the monthly summary (what=monthly) as format=csv or xlsx")
            .WithDescription("Same filters as the decision list. Chinese headers; streamed; every export is audited. 400 when nothing matches.")
            .Produces(200, contentType: "text/csv").Produces(200, contentType: ExportFormats.ContentType(ExportFormats.Xlsx))
            .ProducesProblem(400);

        api.MapGet("/audit", async Task<Results<Ok<ReviewPage<AuditRow>>, ProblemHttpResult>> (HttpContext http, AuditLog audit, CancellationToken ct) =>
            {
                var (parsed, parseProblem) = ReviewFilter.Parse(Query(http));
                if (parseProblem is not null) return Bad(parseProblem.Message);
                var q = http.Request.Query;
                var filter = new AuditFilter(parsed.From, parsed.To, Clean(q["actor"]), Clean(q["action"]), parsed.Page, parsed.PageSize);
                var (from, to, problem) = audit.Resolve(filter);
                if (problem is not null) return Bad(problem.Message);
                return TypedResults.Ok(await audit.ListAsync(filter, from, to, Actor(http), ct));
            })
            .WithName("ListAuditTrail")
            .WithSummary("The audit trail (append-only): from, to, actor, action (prefix), page, pageSize. Reading it is audited.")
            .ProducesProblem(400);
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ReviewExplorer explorer, ReviewSummaryService summaries, AuditLog audit,
        IOptions<ReviewOptions> options, CancellationToken ct)
    {
        var q = http.Request.Query;
        var what = Clean(q["what"]) ?? "decisions";
        var format = Clean(q["format"]) ?? ExportFormats.Xlsx;
        if (what is not ("decisions" or "monthly")) return Bad("what must be 'decisions' or 'monthly'.");
        if (format is not (ExportFormats.Csv or ExportFormats.Xlsx)) return Bad("format must be 'csv' or 'xlsx'.");
        var (filter, problem) = await ResolveAsync(http, explorer, ct);
        if (problem is not null) return problem;
        if (filter!.Filter.Outcome == ReviewOutcomes.NotChecked) return Bad("Not-checked events are not part of the decision export.");
        var name = $"review-{what}-{filter.Filter.From:yyyyMMdd}-{filter.Filter.To:yyyyMMdd}.{format}";
        var actor = Actor(http);
        var offset = options.Value.UtcOffset;
        if (what == "monthly")
        {
            var months = await summaries.MonthlyAsync(filter, ct);
            if (months.Count == 0) return Bad("Nothing matches these filters: there is nothing to export.");
            await audit.RecordExportAsync(actor, what, format, filter.Filter.ToQueryString(), months.Count, ct);
            return format == ExportFormats.Csv
                ? Results.Stream(s => ReviewExportWriter.WriteCsvAsync(s, months.ToAsyncEnumerable(), ct), ExportFormats.ContentType(format), name)
                : Results.File(await ReviewExportWriter.WriteXlsxAsync(months, "月度汇总", ct), ExportFormats.ContentType(format), name);
        }
        var count = await explorer.CountDecisionsAsync(filter, ct);
        if (count == 0) return Bad("No decision matches these filters: there is nothing to export.");
        await audit.RecordExportAsync(actor, what, format, filter.Filter.ToQueryString(), count, ct);
        if (format == ExportFormats.Csv)
        {
            var rows = Map(explorer.StreamDecisionsAsync(filter, ct), offset, ct);
            return Results.Stream(s => ReviewExportWriter.WriteCsvAsync(s, rows, ct), ExportFormats.ContentType(format), name);
        }
        var xlsx = await ReviewExportWriter.WriteXlsxAsync(explorer.StreamDecisions(filter).Select(d => ReviewExportWriter.ToExport(d, offset)), "互认决定", ct);
        return Results.File(xlsx, ExportFormats.ContentType(format), name);
    }

    private static async IAsyncEnumerable<DecisionExportRow> Map(IAsyncEnumerable<DecisionRow> rows, TimeSpan offset,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in rows.WithCancellation(ct)) yield return ReviewExportWriter.ToExport(row, offset);
    }

    private static async Task<(ResolvedFilter?, ProblemHttpResult?)> ResolveAsync(HttpContext http, ReviewExplorer explorer, CancellationToken ct)
    {
        var (parsed, parseProblem) = ReviewFilter.Parse(Query(http));
        if (parseProblem is not null) return (null, Bad(parseProblem.Message));
        var (resolved, problem) = await explorer.ResolveAsync(parsed, ct);
        return problem is null ? (resolved, null) : (null, Bad(problem.Message));
    }

    private static async Task<(CriticalValueFilter?, ResolvedFilter?, ProblemHttpResult?)> ResolveCriticalAsync(HttpContext http, ReviewExplorer explorer,
        CancellationToken ct)
    {
        var (parsed, parseProblem) = CriticalValueFilter.Parse(Query(http));
        if (parseProblem is not null) return (null, null, Bad(parseProblem.Message));
        var (resolved, problem) = await explorer.ResolveAsync(parsed.Review, ct);
        return problem is null ? (parsed with { Review = resolved!.Filter }, resolved, null) : (null, null, Bad(problem.Message));
    }

    private static Dictionary<string, string?> Query(HttpContext http) =>
        http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProblemHttpResult Bad(string message) => TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: message);

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "unknown";
}
