using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workstation.Platform;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.Platform;

/// <summary>The recognition platform simulator: the whole contract of docs/platform-contract.md with state,
/// plus <c>/admin</c> endpoints to inject faults and read counters.</summary>
public static class PlatformSimulator
{
    private const string InstitutionKey = "institution";

    public static void Map(WebApplication app, PlatformState state)
    {
        app.Use((context, next) => InjectFaultsAsync(context, next, state));
        app.Use((context, next) => AuthenticateAsync(context, next, state));

        var api = app.MapGroup("/api/v1");
        api.MapPost("/auth/token", (TokenRequest request) =>
        {
            var token = state.IssueToken(request.Username, request.Password);
            return token is null
                ? Envelope<TokenData>(PlatformCodes.Unauthorized, "用户名或密码错误", null, StatusCodes.Status200OK)
                : Ok(token);
        });

        api.MapPost("/recognition/list", (RecognitionListRequest request, HttpContext context) =>
        {
            if (PatientIdentityValidator.Validate(request.Patient) is { } error) return Invalid(error);
            var items = state.ReportsFor(request.Patient, Institution(context));
            var pageUrl = $"{Origin(context)}/pages/patient?idType={request.Patient.IdType}&idNumber={Uri.EscapeDataString(request.Patient.IdNumber)}";
            return Ok(new RecognitionListData(items.Count(i => i.Recognisable), items, pageUrl));
        });

        api.MapPost("/recognition/query", (PreciseQueryRequest request, HttpContext context) =>
        {
            if (PatientIdentityValidator.Validate(request.Patient) is { } error) return Invalid(error);
            if (state.Catalogue.Find(request.ItemCode) is null) return Invalid($"未知的互认项目编码 {request.ItemCode}");
            var reports = state.ReportsFor(request.Patient, Institution(context))
                .Where(r => string.Equals(r.ItemCode, request.ItemCode, StringComparison.OrdinalIgnoreCase))
                .Where(r => request.InstitutionCode is null || r.InstitutionCode == request.InstitutionCode)
                .Where(r => request.From is null || DateOnly.FromDateTime(r.ReportDate) >= request.From)
                .Where(r => request.To is null || DateOnly.FromDateTime(r.ReportDate) <= request.To)
                .ToList();
            return Ok(new PreciseQueryData(reports));
        });

        api.MapPost("/recognition/order-check", (OrderCheckRequest request, HttpContext context) =>
        {
            if (PatientIdentityValidator.Validate(request.Patient) is { } error) return Invalid(error);
            if (request.Items is null || request.Items.Count == 0) return Invalid("处方项目不能为空");
            if (request.Items.FirstOrDefault(i => state.Catalogue.Find(i.ItemCode) is null) is { } unknown)
                return Invalid($"未知的互认项目编码 {unknown.ItemCode}");
            var reports = state.ReportsFor(request.Patient, Institution(context));
            var results = request.Items.Select(line =>
            {
                var matches = reports.Where(r => r.Recognisable && string.Equals(r.ItemCode, line.ItemCode, StringComparison.OrdinalIgnoreCase))
                    .Select(r => r.ReportId).ToList();
                return new OrderCheckResult(line.LineId, line.ItemCode, matches.Count > 0, matches);
            }).ToList();
            return Ok(new OrderCheckData(results));
        });

        api.MapGet("/reports/{reportId}", (string reportId, HttpContext context) =>
        {
            if (state.FindReport(reportId) is not { } report)
                return Envelope<ReportDetail>(PlatformCodes.NotFound, "报告不存在", null, StatusCodes.Status404NotFound);
            var origin = Origin(context);
            return Ok(new ReportDetail(report.Summary, report.LabResults, report.Findings, report.Impression,
                $"{origin}/api/v1/reports/{reportId}/pdf",
                report.Summary.Kind == ReportKinds.Exam ? $"{origin}/viewer/{reportId}" : null,
                $"{origin}/pages/report/{reportId}"));
        });

        api.MapGet("/reports/{reportId}/pdf", (string reportId) =>
            state.FindReport(reportId) is { } report
                ? Results.File(ReportPdfRenderer.Render(report), "application/pdf", $"{reportId}.pdf")
                : Results.NotFound());

        MapUploads(api, state);
        MapPages(app, state);
        MapAdmin(app, state);
    }

    private static void MapUploads(RouteGroupBuilder api, PlatformState state)
    {
        api.MapPost("/upload/patient", (PatientUpload u) =>
            PatientIdentityValidator.Validate(u.Patient) is { } error ? Invalid(error) : Store(state, $"patient:{u.Patient.IdType}:{u.Patient.IdNumber}", u));
        api.MapPost("/upload/department", (DepartmentUpload u) =>
            string.IsNullOrWhiteSpace(u.Code) || string.IsNullOrWhiteSpace(u.Name) ? Invalid("科室编码和名称不能为空") : Store(state, $"department:{u.Code}", u));
        api.MapPost("/upload/staff", (StaffUpload u) =>
            string.IsNullOrWhiteSpace(u.Code) || string.IsNullOrWhiteSpace(u.Name) ? Invalid("人员编码和姓名不能为空") : Store(state, $"staff:{u.Code}", u));

        api.MapPost("/upload/lab", (LabReportUpload u, HttpContext context) => LabProblem(state, u) is { } problem ? Invalid(problem) :
            UploadReport(state, context, u.ReportId, u.Patient, u.ItemCode, ReportKinds.Lab, u.ApprovedAt, u.Results, null, null));
        api.MapPost("/upload/exam", (ExamReportUpload u, HttpContext context) =>
            UploadReport(state, context, u.ReportId, u.Patient, u.ItemCode, ReportKinds.Exam, u.ApprovedAt, null, u.Findings, u.Impression));
        api.MapPost("/upload/lab/pdf", (ReportPdfUpload u) => UploadPdf(state, u));
        api.MapPost("/upload/exam/pdf", (ReportPdfUpload u) => UploadPdf(state, u));
        api.MapPost("/upload/lab/revoke", (ReportRevocation r) => Revoke(state, r));
        api.MapPost("/upload/exam/revoke", (ReportRevocation r) => Revoke(state, r));
    }

    private static IResult UploadReport(PlatformState state, HttpContext context, string reportId, PatientIdentity patient,
        string itemCode, string kind, DateTime approvedAt, IReadOnlyList<LabResult>? results, string? findings, string? impression)
    {
        if (string.IsNullOrWhiteSpace(reportId)) return Invalid("报告编号不能为空");
        if (PatientIdentityValidator.Validate(patient) is { } error) return Invalid(error);
        if (state.Catalogue.Find(itemCode) is not { } item || item.Kind != kind) return Invalid($"未知的{(kind == ReportKinds.Lab ? "检验" : "检查")}项目编码 {itemCode}");
        if (kind == ReportKinds.Lab && (results is null || results.Count == 0)) return Invalid("检验结果不能为空");
        if (kind == ReportKinds.Exam && (string.IsNullOrWhiteSpace(findings) || string.IsNullOrWhiteSpace(impression))) return Invalid("检查所见和诊断意见不能为空");
        var institution = DemoWorld.Institutions.First(i => i.Code == Institution(context));
        state.PutReport(reportId, patient, item, institution, approvedAt.ToUniversalTime(), results, findings, impression);
        state.LogUpload(kind, reportId);
        return Ok(state.Receipt($"{kind}:{reportId}"));
    }

    /// <summary>What a real platform checks in a full lab report, each refusal naming the field with a code, as
    /// public specifications of this kind do. Absent optional fields are not checked.</summary>
    private static string? LabProblem(PlatformState state, LabReportUpload u)
    {
        if (u.ItemCodes is { } codes && codes.FirstOrDefault(c => state.Catalogue.Find(c) is not { Kind: ReportKinds.Lab }) is { } unknown)
            return $"[E2101] itemCodes: 互认编码 {unknown} 不存在或不是检验项目";
        if (u.Specimen is { } sp && sp.CollectedAt > sp.ReceivedAt) return "[E2102] specimen.collectedAt: 采样时间不能晚于接收时间";
        if (u.ReportedAt is { } reported && reported > u.ApprovedAt) return "[E2103] reportedAt: 报告时间不能晚于审核时间";
        if (u.ReporterCode == u.ApproverCode) return "[E2104] approverCode: 审核者不能与报告者为同一人（双人审核）";
        if (u.ReportStatus is { } status && status is not ("最终" or "临时")) return "[E2105] reportStatus: 报告类型应为“临时”或“最终”";
        if (u.ReportStatus == "最终" && string.IsNullOrWhiteSpace(u.Signature)) return "[E2106] signature: 最终报告缺少CA签名值";
        return u.Results.FirstOrDefault(r => !string.IsNullOrEmpty(r.Value) && decimal.TryParse(r.Value, out _) && string.IsNullOrWhiteSpace(r.Unit)) is { } noUnit
            ? $"[E2107] results[{noUnit.Code}].unit: 数值结果缺少单位" : null;
    }

    private static IResult UploadPdf(PlatformState state, ReportPdfUpload u)
    {
        if (state.FindReport(u.ReportId) is null) return Invalid($"报告 {u.ReportId} 尚未上传数据，不能上传PDF");
        byte[] pdf;
        try { pdf = Convert.FromBase64String(u.PdfBase64); }
        catch (FormatException) { return Invalid("PDF内容不是有效的Base64"); }
        if (!pdf.AsSpan().StartsWith("%PDF"u8)) return Invalid("文件不是PDF");
        state.LogUpload("pdf", u.ReportId);
        return Ok(state.Receipt($"pdf:{u.ReportId}:{pdf.Length}"));
    }

    private static IResult Revoke(PlatformState state, ReportRevocation r) =>
        string.IsNullOrWhiteSpace(r.Reason) ? Invalid("撤销原因不能为空")
        : state.Revoke(r.ReportId, r.Reason) ? Logged(state, "revoke", r.ReportId, state.Receipt($"revoke:{r.ReportId}"))
        : Envelope<UploadReceipt>(PlatformCodes.NotFound, $"报告 {r.ReportId} 不存在", null, StatusCodes.Status200OK);

    private static IResult Logged(PlatformState state, string operation, string key, UploadReceipt receipt)
    {
        state.LogUpload(operation, key);
        return Ok(receipt);
    }

    private static IResult Store<T>(PlatformState state, string key, T value) where T : notnull
    {
        state.PutDictionaryEntry(key, value);
        state.LogUpload(key.Split(':')[0], key);
        return Ok(state.Receipt(key + ":" + JsonSerializer.Serialize(value).GetHashCode(StringComparison.Ordinal)));
    }

    private static void MapPages(WebApplication app, PlatformState state)
    {
        app.MapGet("/pages/patient", (string idType, string idNumber, HttpContext context) =>
        {
            var reports = state.ReportsFor(new PatientIdentity(idType, idNumber, "-"), "");
            var rows = string.Concat(reports.Select(r =>
                $"<tr><td>{Enc(r.ItemName)}</td><td>{Enc(r.InstitutionName)}</td><td>{r.ReportDate:yyyy-MM-dd}</td><td>{r.ValidUntil:yyyy-MM-dd}</td><td>{(r.Recognisable ? "可互认" : "已过期")}</td></tr>"));
            return Html($"<h1>检查检验结果互认共享平台</h1><table border=1><tr><th>项目</th><th>机构</th><th>报告日期</th><th>有效期至</th><th>状态</th></tr>{rows}</table>");
        });
        app.MapGet("/pages/report/{reportId}", (string reportId) =>
            state.FindReport(reportId) is { } r
                ? Html($"<h1>{Enc(r.Summary.ItemName)}</h1><p>{Enc(r.Summary.InstitutionName)} · {r.Summary.ReportDate:yyyy-MM-dd}</p><p>{Enc(r.Summary.ResultSummary)}</p>")
                : Results.NotFound());
        app.MapGet("/viewer/{reportId}", (string reportId) =>
            state.FindReport(reportId) is { } r
                ? Html($"<h1>影像浏览 · {Enc(r.Summary.ItemName)}</h1><svg width='512' height='512' style='background:#000'><circle cx='256' cy='256' r='200' fill='#444'/><ellipse cx='190' cy='250' rx='60' ry='120' fill='#222'/><ellipse cx='322' cy='250' rx='60' ry='120' fill='#222'/><text x='10' y='500' fill='#fff'>{Enc(r.Summary.ReportId)}</text></svg>")
                : Results.NotFound());
    }

    private static void MapAdmin(WebApplication app, PlatformState state)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/faults", () => Results.Json(state.Faults, PlatformServiceCollectionExtensions.Json));
        admin.MapPut("/faults", (PlatformFaults faults) =>
        {
            if (faults.Validate() is { } error) return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
            state.Faults = faults;
            return Results.Json(state.Faults, PlatformServiceCollectionExtensions.Json);
        });
        admin.MapPost("/faults/reset", () =>
        {
            state.Faults = PlatformFaults.None;
            return Results.NoContent();
        });
        admin.MapPost("/tokens/expire", () =>
        {
            state.ExpireAllTokens();
            return Results.NoContent();
        });
        admin.MapGet("/stats", () => Results.Json(state.Stats, PlatformServiceCollectionExtensions.Json));
        admin.MapPost("/reports", (NewReport r) =>
        {
            var patient = DemoWorld.FindByHisId(r.HisId);
            var item = state.Catalogue.Find(r.ItemCode);
            var institution = DemoWorld.Institutions.FirstOrDefault(i => i.Code == (r.InstitutionCode ?? DemoWorld.Central.Code));
            if (patient is null || item is null || institution is null)
                return Results.Problem("unknown patient, item or institution", statusCode: StatusCodes.Status400BadRequest);
            var report = state.PutReport($"R-{institution.Code}-{r.HisId}-{r.ItemCode}-{state.UtcNow.Ticks}", patient.Identity, item,
                institution, state.UtcNow.AddDays(-r.DaysAgo));
            return Results.Json(report.Summary, PlatformServiceCollectionExtensions.Json);
        });
    }

    /// <summary>Body of <c>POST /admin/reports</c>: a new result for a demo patient at another institution.</summary>
    public sealed record NewReport(string HisId, string ItemCode, string? InstitutionCode = null, int DaysAgo = 0);

    private static async Task InjectFaultsAsync(HttpContext context, RequestDelegate next, PlatformState state)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        state.CountApiCall();
        var faults = state.Faults;
        var latency = faults.LatencyMs + (faults.JitterMs > 0 ? Random.Shared.Next(faults.JitterMs + 1) : 0);
        if (latency > 0) await Task.Delay(latency, context.RequestAborted);
        if (faults.Outage)
        {
            state.CountFault();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("Service Unavailable", context.RequestAborted);
            return;
        }
        if (faults.HtmlErrors)
        {
            state.CountFault();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", context.RequestAborted);
            return;
        }
        var scheduled = !context.Request.Path.StartsWithSegments("/api/v1/auth") && state.TakeScheduledFailure();
        if (scheduled || (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate))
        {
            state.CountFault();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new PlatformEnvelope<object>(PlatformCodes.ServerError, "系统繁忙", null), context.RequestAborted);
            return;
        }
        if (faults.MalformedJson && !context.Request.Path.StartsWithSegments("/api/v1/auth"))
        {
            state.CountFault();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"code\":0,\"message\":\"ok\",\"data\":{\"count\":", context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next, PlatformState state)
    {
        if (!context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/api/v1/auth"))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var institution = header.StartsWith("Bearer ", StringComparison.Ordinal) ? state.Authenticate(header[7..]) : null;
        if (institution is null || state.Faults.AlwaysUnauthorized)
        {
            state.CountUnauthorized();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new PlatformEnvelope<object>(PlatformCodes.Unauthorized, "token无效或已过期", null));
            return;
        }
        context.Items[InstitutionKey] = institution;
        await next(context);
    }

    private static string Institution(HttpContext context) => (string)context.Items[InstitutionKey]!;

    private static string Origin(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static IResult Ok<T>(T data) => Envelope(PlatformCodes.Success, "成功", data, StatusCodes.Status200OK);

    private static IResult Invalid(string message) =>
        Envelope<object>(PlatformCodes.InvalidRequest, message, null, StatusCodes.Status400BadRequest);

    private static IResult Envelope<T>(int code, string message, T? data, int status) =>
        Results.Json(new PlatformEnvelope<T>(code, message, data), PlatformServiceCollectionExtensions.Json, statusCode: status);

    private static IResult Html(string body) =>
        Results.Content($"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><body style='font-family:sans-serif'>{body}</body></html>",
            "text/html; charset=utf-8", Encoding.UTF8);

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
