using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;

namespace Workstation.Sandbox.Lis;

/// <summary>How a clinician handled a critical value, as the portal reports it back (closed loop, seed 002).</summary>
public sealed record CriticalValueHandling(
    string MessageId,
    string AlertId,
    string SourceEventId,
    string DoctorCode,
    string DoctorName,
    DateTime AcknowledgedAt,
    DateTime? HandledAt,
    string? HandlingNote);

/// <summary>State of the LIS/PACS simulator: the handlings it received, once per message id.</summary>
public sealed class LisState
{
    private readonly ConcurrentDictionary<string, CriticalValueHandling> _handlings = new();
    private int _deliveries;

    /// <summary>Share of deliveries refused with 503, to test the portal's outbox.</summary>
    public double FailureRate { get; set; }

    /// <summary>The next N deliveries are refused with 503 (deterministic failures for tests).</summary>
    public int FailNextDeliveries
    {
        get => _scheduled.Left;
        set => _scheduled.Left = value;
    }

    private readonly ScheduledFailures _scheduled = new();

    public bool TakeScheduledFailure() => _scheduled.Take();

    private readonly ConcurrentQueue<(Func<CancellationToken, Task> Wait, bool Fail, TaskCompletionSource Arrived)> _script = new();

    /// <summary>Scripts the next deliveries in arrival order: each waits its delay (abandoned if the sender goes away)
    /// and then fails with 503 or is received. Tests use it for slow or failing sends that overlap.</summary>
    public void Script(params (TimeSpan Delay, bool Fail)[] next)
    {
        foreach (var (delay, fail) in next) _script.Enqueue((ct => Task.Delay(delay, ct), fail, new TaskCompletionSource()));
    }

    /// <summary>Scripts the next delivery to be held until <paramref name="release"/> completes (abandoned if the sender
    /// goes away), then to fail with 503 or be received. Returns a task that completes when that delivery arrives, so a
    /// test knows the send is in flight without waiting a fixed time.</summary>
    public Task Hold(Task release, bool fail)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script.Enqueue((ct => release.WaitAsync(ct), fail, arrived));
        return arrived.Task;
    }

    public (Func<CancellationToken, Task> Wait, bool Fail)? TakeScripted()
    {
        if (!_script.TryDequeue(out var step)) return null;
        step.Arrived.TrySetResult();
        return (step.Wait, step.Fail);
    }

    public int Deliveries => _deliveries;

    /// <summary>Where and how the LIS posts signed webhooks to the portal (set by the portal's demo wiring).</summary>
    public (Uri PortalUrl, string Secret)? Webhook
    {
        get => Reports.Webhook;
        set => Reports.Webhook = value;
    }

    /// <summary>Approved lab reports, and the report-approved / report-withdrawn events about them.</summary>
    public LisReports Reports { get; } = new();

    public IReadOnlyCollection<CriticalValueHandling> Handlings => _handlings.Values.OrderBy(h => h.AcknowledgedAt).ToList();

    /// <summary>Stores a handling; a repeated message id is accepted and ignored (idempotent receiver).</summary>
    public bool Receive(CriticalValueHandling handling)
    {
        Interlocked.Increment(ref _deliveries);
        return _handlings.TryAdd(handling.MessageId, handling);
    }
}

/// <summary>The LIS/PACS end of alerts and uploads: receives critical-value handling and shows it.</summary>
public static class LisSimulator
{
    private static readonly HttpClient DemoHttp = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static void Map(WebApplication app, LisState state)
    {
        app.MapPost("/lis/api/critical-values/handling", async (CriticalValueHandling handling, HttpContext context) =>
        {
            if (string.IsNullOrWhiteSpace(handling.MessageId) || string.IsNullOrWhiteSpace(handling.AlertId))
                return Results.Problem("messageId and alertId are required", statusCode: StatusCodes.Status400BadRequest);
            if (state.TakeScripted() is { } step)
            {
                await step.Wait(context.RequestAborted);
                if (step.Fail) return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            else if (state.TakeScheduledFailure() || (state.FailureRate > 0 && Random.Shared.NextDouble() < state.FailureRate))
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            var added = state.Receive(handling);
            return Results.Json(new { accepted = true, duplicate = !added }, PlatformServiceCollectionExtensions.Json);
        });
        app.MapGet("/lis/api/critical-values/handling", () => Results.Json(state.Handlings, PlatformServiceCollectionExtensions.Json));
        app.MapPost("/lis/demo/critical-value", async (HttpContext context) =>
        {
            // Demo button: the LIS reports a critical value for 张伟 (ordered by D001, 内科) to the portal, signed.
            if (state.Webhook is not { } hook) return Results.Problem("The portal is not configured yet.", statusCode: 503);
            var form = await context.Request.ReadFormAsync();
            var eventId = "LIS-DEMO-" + Guid.NewGuid().ToString("N")[..8];
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                eventId,
                type = "critical-value",
                data = new
                {
                    patientId = "P1001", patientName = "张伟", encounterId = "E1001-OUT", itemCode = "K", itemName = "血钾",
                    value = form["value"].FirstOrDefault() is { Length: > 0 } v ? v : "6.8", unit = "mmol/L", referenceRange = "3.5-5.3",
                    reportedBy = "检验科 王技师", reportedAt = DateTime.UtcNow, recordId = eventId, orderingDoctorId = "D001", departmentCode = "NK",
                },
            }, JsonSerializerOptions.Web);
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret),
                Encoding.UTF8.GetBytes(ts + ".").Concat(body).ToArray()));
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hook.PortalUrl, "/api/v1/webhooks/lis")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-Workstation-Timestamp", ts);
            request.Headers.Add("X-Workstation-Signature", signature);
            using var response = await DemoHttp.SendAsync(request);
            return Results.Redirect("/?sent=" + (int)response.StatusCode);
        });
        MapReports(app, state.Reports);
        app.MapGet("/", () =>
        {
            var rows = string.Concat(state.Handlings.Select(h =>
                $"<tr><td>{WebUtility.HtmlEncode(h.AlertId)}</td><td>{WebUtility.HtmlEncode(h.DoctorName)}</td><td>{h.AcknowledgedAt:yyyy-MM-dd HH:mm:ss}</td><td>{WebUtility.HtmlEncode(h.HandlingNote ?? "")}</td></tr>"));
            return Results.Content(
                $"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>LIS 危急值处理回传</title><body style='font-family:sans-serif'><h1>LIS/PACS 模拟器 · 危急值处理回传</h1><form method='post' action='/lis/demo/critical-value'>演示：向互认工作站发送危急值（张伟 血钾 <input name='value' value='6.8' size='4'> mmol/L）<button type='submit'>发送</button></form>{ReportsHtml(state.Reports)}<h2>危急值处理回传</h2><table border=1 id='handlings'><tr><th>危急值</th><th>处理医生</th><th>确认时间</th><th>处理意见</th></tr>{rows}</table></body></html>",
                "text/html; charset=utf-8", Encoding.UTF8);
        });
    }

    private static void MapReports(WebApplication app, LisReports reports)
    {
        // What the portal pulls after a report-approved event (the LIS's report interface).
        app.MapGet("/lis/api/reports/{number}", (string number) =>
            reports.Find(number) is { } report ? Results.Json(report, JsonSerializerOptions.Web) : Results.NotFound());
        // PACS report return (seed 002): the exam report behind a report-approved event from PACS.
        app.MapGet("/pacs/api/reports/{number}", (string number) =>
            reports.FindExam(number) is { } report ? Results.Json(report, JsonSerializerOptions.Web) : Results.NotFound());
        app.MapPost("/pacs/demo/reports/approve", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var patient = Demo.DemoWorld.FindByHisId(form["patient"].FirstOrDefault() ?? "P1001") ?? Demo.DemoWorld.Patients[0];
            await reports.ApproveExamAsync(reports.CreateExam(patient), context.RequestAborted);
            return Results.Redirect("/");
        });
        // Demo buttons: approve a 血常规 for a patient (optionally with a wrong ID number), withdraw one.
        app.MapPost("/lis/demo/reports/approve", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var patient = Demo.DemoWorld.FindByHisId(form["patient"].FirstOrDefault() ?? "P1001") ?? Demo.DemoWorld.Patients[0];
            var count = int.TryParse(form["count"].FirstOrDefault(), out var n) ? Math.Clamp(n, 1, 50) : 1;
            var badId = form["badId"].FirstOrDefault() == "on";
            var selfApproved = form["selfApproved"].FirstOrDefault() == "on";
            for (var i = 0; i < count; i++)
                await reports.ApproveAsync(reports.Create(patient, badId ? patient.Identity.IdNumber[..17] + "0" : null, selfApproved), context.RequestAborted);
            return Results.Redirect("/");
        });
        app.MapPost("/lis/demo/reports/{number}/amend", async (string number, HttpContext context) =>
        {
            await reports.AmendAsync(number, context.RequestAborted);
            return Results.Redirect("/");
        });
        app.MapPost("/lis/demo/reports/{number}/withdraw", async (string number, HttpContext context) =>
        {
            await reports.WithdrawAsync(number, context.RequestAborted);
            return Results.Redirect("/");
        });
    }

    private static string ReportsHtml(LisReports reports)
    {
        var options = string.Concat(Demo.DemoWorld.Patients.Where(p => p.Identity.IdType == "01")
            .Select(p => $"<option value='{p.HisId}'>{WebUtility.HtmlEncode(p.Identity.Name)}</option>"));
        var rows = string.Concat(reports.All.Select(r =>
            $"<tr><td>{WebUtility.HtmlEncode(r.Header.ReportNumber)}</td><td>{WebUtility.HtmlEncode(r.Header.Patient.Name)}</td><td>{WebUtility.HtmlEncode(r.Header.ItemName)}</td>" +
            $"<td>{r.Header.ApprovedAt:yyyy-MM-dd HH:mm}</td><td><form method='post' action='/lis/demo/reports/{Uri.EscapeDataString(r.Header.ReportNumber)}/amend' style='display:inline'><button type='submit'>修改后重新审核</button></form> <form method='post' action='/lis/demo/reports/{Uri.EscapeDataString(r.Header.ReportNumber)}/withdraw' style='display:inline'><button type='submit'>撤回</button></form></td></tr>"))
            + string.Concat(reports.Exams.Select(r =>
            $"<tr><td>{WebUtility.HtmlEncode(r.Header.ReportNumber)}</td><td>{WebUtility.HtmlEncode(r.Header.Patient.Name)}</td><td>{WebUtility.HtmlEncode(r.Header.ItemName)}</td>" +
            $"<td>{r.Header.ApprovedAt:yyyy-MM-dd HH:mm}</td><td></td></tr>"));
        return "<h2>检验报告审核（上传互认平台）</h2><form method='post' action='/lis/demo/reports/approve'>患者 <select name='patient'>" + options +
               "</select> 份数 <input name='count' value='1' size='2'> <label><input type='checkbox' name='badId'> 身份证号错误</label> <label><input type='checkbox' name='selfApproved'> 报告者自审（平台会拒绝）</label> <button type='submit'>审核通过</button></form>" +
               "<form method='post' action='/pacs/demo/reports/approve'>PACS：胸部CT 报告审核通过（患者 <select name='patient'>" + options + "</select>） <button type='submit'>审核通过</button></form>" +
               "<table border=1 id='reports'><tr><th>报告单号</th><th>患者</th><th>项目</th><th>审核时间</th><th></th></tr>" + rows + "</table>";
    }
}
