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
    private int _sequence;

    /// <summary>Where and how the LIS posts signed webhooks (set by the portal's demo wiring and by tests).</summary>
    public (Uri PortalUrl, string Secret)? Webhook { get; set; }

    public IReadOnlyCollection<LabReport> All => _reports.Values.OrderBy(r => r.Header.ReportNumber).ToList();

    public LabReport? Find(string number) => _reports.GetValueOrDefault(number);

    /// <summary>A 血常规 for a demo patient, approved now; <paramref name="idNumber"/> overrides the patient's ID (to
    /// show a report the portal holds back).</summary>
    public LabReport Create(DemoPatient patient, string? idNumber = null, bool selfApproved = false)
    {
        var number = $"JY{DateTime.UtcNow:yyyyMMdd}{Interlocked.Increment(ref _sequence):00000}";
        var template = SampleReports.BloodCount();
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var age = (int)((DateTime.UtcNow - patient.BirthDate.ToDateTime(TimeOnly.MinValue)).TotalDays / 365.25);
        return template with
        {
            Header = template.Header with
            {
                Hospital = new ReportHospital(DemoWorld.Home.Code, DemoWorld.Home.Name),
                ReportNumber = number,
                RequestNumber = "SQ" + number[2..],
                Patient = new ReportPatient(patient.Identity.Name, patient.Sex == "M" ? "男" : "女", $"{age}岁", patient.Identity.IdType,
                    idNumber ?? patient.Identity.IdNumber, patient.HisId, "MZ" + number[2..], new CodedName("NK", "内科"), null),
                ReportedAt = now.AddMinutes(-20),
                Approver = selfApproved ? template.Header.Reporter : template.Header.Approver,
                ApprovedAt = now.AddMinutes(-1),
                RecognitionItemCodes = ["L001"],
                Recognisable = true,
            },
            Specimen = template.Specimen with { Number = "BC" + number[2..], CollectedAt = now.AddHours(-2), ReceivedAt = now.AddHours(-1.5) },
            TestedAt = now.AddMinutes(-40),
        };
    }

    /// <summary>Stores the report and tells the portal it was approved.</summary>
    public async Task<int> ApproveAsync(LabReport report, CancellationToken cancellationToken = default)
    {
        Put(report);
        return await PostAsync("report-approved", report.Header.ReportNumber, cancellationToken);
    }

    /// <summary>Stores (or amends) a report without telling anyone.</summary>
    public void Put(LabReport report) => _reports[report.Header.ReportNumber] = report;

    /// <summary>Tells the portal a report was withdrawn (it stays readable, marked by the event).</summary>
    public Task<int> WithdrawAsync(string number, CancellationToken cancellationToken = default) =>
        PostAsync("report-withdrawn", number, cancellationToken);

    private async Task<int> PostAsync(string type, string number, CancellationToken cancellationToken)
    {
        if (Webhook is not { } hook) return 0;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId = $"LIS-{type}-{number}-{Guid.NewGuid():N}"[..60],
            type,
            occurredAt = DateTime.UtcNow,
            data = new { reportNumber = number, kind = ReportKinds.Lab, departmentCode = "JYK", reason = type == "report-withdrawn" ? "检验科撤回报告" : null },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), (byte[])[.. Encoding.UTF8.GetBytes(ts + "."), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hook.PortalUrl, "/api/v1/webhooks/lis")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Workstation-Timestamp", ts);
        request.Headers.Add("X-Workstation-Signature", signature);
        using var response = await Http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }
}
