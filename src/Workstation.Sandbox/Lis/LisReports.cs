using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workstation.Platform.Contract;
using Workstation.Reports;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.Lis;

/// <summary>The LIS's approved lab reports: approving or withdrawing one posts a signed webhook to the portal
/// (<c>report-approved</c> / <c>report-withdrawn</c>); the portal then pulls the report with <c>GET /lis/api/reports/{number}</c>.</summary>
public sealed class LisReports
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<string, LabReport> _reports = new();
    private readonly ConcurrentDictionary<string, ExamReport> _exams = new();
    private int _sequence;

    /// <summary>Where and how the LIS posts signed webhooks (set by the portal's demo wiring and by tests).</summary>
    public (Uri PortalUrl, string Secret)? Webhook { get; set; }

    /// <summary>Where and how the PACS posts its signed webhooks (source <c>pacs</c>, its own secret).</summary>
    public (Uri PortalUrl, string Secret)? PacsWebhook { get; set; }

    public IReadOnlyCollection<ExamReport> Exams => _exams.Values.OrderBy(r => r.Header.ReportNumber).ToList();

    public ExamReport? FindExam(string number) => _exams.GetValueOrDefault(number);

    /// <summary>A chest CT (seed 002's report return: findings, impression, advice, positive flag, study UID) for a
    /// demo patient, approved now.</summary>
    public ExamReport CreateExam(DemoPatient patient)
    {
        var number = $"CT{DateTime.UtcNow:yyyyMMdd}{Interlocked.Increment(ref _sequence):00000}";
        var template = SampleReports.ChestCt();
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        return template with
        {
            Header = ForPatient(template.Header, number, patient, null, "E002", now),
            ExaminedAt = now.AddHours(-1),
            StudyNumber = "CT" + number[2..],
        };
    }

    /// <summary>Stores the exam report and tells the portal (as PACS) it was approved.</summary>
    public async Task<int> ApproveExamAsync(ExamReport report, CancellationToken cancellationToken = default)
    {
        PutExam(report);
        return await PostAsync(PacsWebhook, "pacs", "report-approved", report.Header.ReportNumber, ReportKinds.Exam, "FSK", cancellationToken);
    }

    public void PutExam(ExamReport report) => _exams[report.Header.ReportNumber] = report;

    public Task<int> WithdrawExamAsync(string number, CancellationToken cancellationToken = default) =>
        PostAsync(PacsWebhook, "pacs", "report-withdrawn", number, ReportKinds.Exam, "FSK", cancellationToken);

    public IReadOnlyCollection<LabReport> All => _reports.Values.OrderBy(r => r.Header.ReportNumber).ToList();

    public LabReport? Find(string number) => _reports.GetValueOrDefault(number);

    /// <summary>A 血常规 for a demo patient, approved now; <paramref name="idNumber"/> overrides the patient's ID (to
    /// show a report the portal holds back).</summary>
    public LabReport Create(DemoPatient patient, string? idNumber = null, bool selfApproved = false)
    {
        var number = $"JY{DateTime.UtcNow:yyyyMMdd}{Interlocked.Increment(ref _sequence):00000}";
        var template = SampleReports.BloodCount();
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        return template with
        {
            Header = ForPatient(template.Header, number, patient, idNumber, "L001", now) with
            {
                Approver = selfApproved ? template.Header.Reporter : template.Header.Approver,
            },
            Specimen = template.Specimen with { Number = "BC" + number[2..], CollectedAt = now.AddHours(-2), ReceivedAt = now.AddHours(-1.5) },
            TestedAt = now.AddMinutes(-40),
        };
    }

    /// <summary>A sample report's header made this hospital's, for a demo patient, numbered and approved now.</summary>
    private static ReportHeader ForPatient(ReportHeader template, string number, DemoPatient patient, string? idNumber, string itemCode,
        DateTimeOffset now)
    {
        var age = (int)((DateTime.UtcNow - patient.BirthDate.ToDateTime(TimeOnly.MinValue)).TotalDays / 365.25);
        return template with
        {
            Hospital = new ReportHospital(DemoWorld.Home.Code, DemoWorld.Home.Name),
            ReportNumber = number,
            RequestNumber = "SQ" + number[2..],
            Patient = new ReportPatient(patient.Identity.Name, patient.Sex == "M" ? "男" : "女", $"{age}岁", patient.Identity.IdType,
                idNumber ?? patient.Identity.IdNumber, patient.HisId, "MZ" + number[2..], new CodedName("NK", "内科"), null),
            ReportedAt = now.AddMinutes(-20),
            ApprovedAt = now.AddMinutes(-1),
            RecognitionItemCodes = [itemCode],
            Recognisable = true,
        };
    }

    /// <summary>Stores the report and tells the portal it was approved.</summary>
    public async Task<int> ApproveAsync(LabReport report, CancellationToken cancellationToken = default)
    {
        Put(report);
        return await PostAsync(Webhook, "lis", "report-approved", report.Header.ReportNumber, ReportKinds.Lab, "JYK", cancellationToken);
    }

    /// <summary>The lab corrects an approved report (a second reviewer approves it, the patient's ID number is fixed,
    /// a note is added) and approves it again: the portal receives report-approved for the same number.</summary>
    public async Task<int> AmendAsync(string number, CancellationToken cancellationToken = default)
    {
        if (Find(number) is not { } report) return 404;
        var template = SampleReports.BloodCount();
        var patient = DemoWorld.FindByHisId(report.Header.Patient.PatientId);
        var amended = report with
        {
            Header = report.Header with
            {
                Approver = report.Header.Approver == report.Header.Reporter ? template.Header.Approver : report.Header.Approver,
                Patient = patient is null ? report.Header.Patient : report.Header.Patient with { IdNumber = patient.Identity.IdNumber },
                ApprovedAt = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)),
            },
            Notes = (report.Notes is { Length: > 0 } n ? n + " " : "") + "（报告已修改后重新审核）",
        };
        return await ApproveAsync(amended, cancellationToken);
    }

    /// <summary>Stores (or amends) a report without telling anyone.</summary>
    public void Put(LabReport report) => _reports[report.Header.ReportNumber] = report;

    /// <summary>Tells the portal a report was withdrawn (it stays readable, marked by the event).</summary>
    public Task<int> WithdrawAsync(string number, CancellationToken cancellationToken = default) =>
        PostAsync(Webhook, "lis", "report-withdrawn", number, ReportKinds.Lab, "JYK", cancellationToken);

    private static async Task<int> PostAsync((Uri PortalUrl, string Secret)? webhook, string source, string type, string number, string kind,
        string department, CancellationToken cancellationToken)
    {
        if (webhook is not { } hook) return 0;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId = $"{source.ToUpperInvariant()}-{type}-{number}-{Guid.NewGuid():N}"[..60],
            type,
            occurredAt = DateTime.UtcNow,
            data = new { reportNumber = number, kind, departmentCode = department, reason = type == "report-withdrawn" ? "科室撤回报告" : null },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), (byte[])[.. Encoding.UTF8.GetBytes(ts + "."), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hook.PortalUrl, $"/api/v1/webhooks/{source}")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Workstation-Timestamp", ts);
        request.Headers.Add("X-Workstation-Signature", signature);
        using var response = await Http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }
}
