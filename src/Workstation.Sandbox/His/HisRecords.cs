using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.His;

/// <summary>A patient as HIS keeps it (seed 000 <c>GET /his/patients/{patientCode}</c>).</summary>
public sealed record HisPatient(string PatientCode, string Name, string IdType, string IdNumber, string Sex, DateOnly BirthDate, string Phone);

/// <summary>A visit (seed 000 <c>GET /his/visits/{patientCode}</c>).</summary>
public sealed record HisVisit(string VisitId, string PatientCode, string DepartmentCode, DateTime StartedAt, string Status);

/// <summary>A department of the hospital's dictionary (<c>GET /his/departments</c>).</summary>
public sealed record HisDepartment(string Code, string Name, string? ParentCode, bool Active);

/// <summary>A member of staff (<c>GET /his/staff</c>).</summary>
public sealed record HisStaff(string Code, string Name, string DepartmentCode, string Title, bool Active);

/// <summary>HIS master data behind an API key (<c>X-Api-Key</c>) and the <c>VISIT_STARTED</c> webhook, signed with
/// <c>X-HIS-Signature</c> as seed 000 describes.</summary>
public sealed class HisRecords
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly ConcurrentDictionary<string, HisDepartment> _departments = new(new[]
    {
        new HisDepartment("NK", "内科", null, true), new HisDepartment("WK", "外科", null, true), new HisDepartment("JZK", "急诊科", null, true),
        new HisDepartment("JYK", "检验科", null, true), new HisDepartment("FSK", "放射科", null, true),
    }.ToDictionary(d => d.Code));

    private readonly ConcurrentDictionary<string, HisStaff> _staff = new(new[]
    {
        new HisStaff("D001", "李医生", "NK", "主治医师", true), new HisStaff("D002", "赵医生", "NK", "住院医师", true),
        new HisStaff("D003", "孙主任", "NK", "主任医师", true), new HisStaff("L001", "李敏", "JYK", "主管技师", true),
        new HisStaff("R001", "周医生", "FSK", "副主任医师", true),
    }.ToDictionary(s => s.Code));

    /// <summary>The key the portal sends as <c>X-Api-Key</c>.</summary>
    public string ApiKey { get; set; } = "his-records-api-key-for-the-sandbox";

    /// <summary>Where and how HIS posts its signed events (set by the portal's demo wiring and by tests).</summary>
    public (Uri PortalUrl, string Secret)? Webhook { get; set; }

    public IReadOnlyCollection<HisDepartment> Departments => _departments.Values.OrderBy(d => d.Code).ToList();

    public IReadOnlyCollection<HisStaff> Staff => _staff.Values.OrderBy(s => s.Code).ToList();

    public void Put(HisDepartment department) => _departments[department.Code] = department;

    public void Put(HisStaff staff) => _staff[staff.Code] = staff;

    public static HisPatient? Patient(string code) => DemoWorld.FindByHisId(code) is { } p
        ? new HisPatient(p.HisId, p.Identity.Name, p.Identity.IdType, p.Identity.IdNumber, p.Sex, p.BirthDate, p.Phone)
        : null;

    /// <summary>Posts <c>VISIT_STARTED</c> for a patient (reception), signed with X-HIS-Signature; returns the status.</summary>
    public async Task<int> VisitStartedAsync(string patientCode, string departmentCode, CancellationToken cancellationToken = default)
    {
        if (Webhook is not { } hook) return 0;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId = $"HIS-VISIT-{patientCode}-{Guid.NewGuid():N}",
            type = "VISIT_STARTED",
            occurredAt = DateTime.UtcNow,
            data = new { patientCode, visitId = $"V{patientCode}-{DateTime.UtcNow:yyyyMMddHHmmss}", departmentCode },
        }, JsonSerializerOptions.Web);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), (byte[])[.. Encoding.UTF8.GetBytes(ts + "."), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(hook.PortalUrl, "/api/v1/webhooks/his")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Workstation-Timestamp", ts);
        request.Headers.Add("X-HIS-Signature", signature);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0; // the portal is not listening: a real HIS would retry from its own queue
        }
    }

    public static void Map(WebApplication app, HisRecords records)
    {
        var api = app.MapGroup("/his").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers["X-Api-Key"] == records.ApiKey ? await next(context) : Results.StatusCode(StatusCodes.Status401Unauthorized));
        api.MapGet("/patients/{patientCode}", (string patientCode) => Patient(patientCode) is { } p ? Results.Json(p, JsonSerializerOptions.Web) : Results.NotFound());
        api.MapGet("/visits/{patientCode}", (string patientCode) => Patient(patientCode) is null ? Results.NotFound()
            : Results.Json(new[] { new HisVisit($"V{patientCode}-1", patientCode, "NK", DateTime.UtcNow.Date.AddHours(1), "open") }, JsonSerializerOptions.Web));
        api.MapGet("/departments", () => Results.Json(records.Departments, JsonSerializerOptions.Web));
        api.MapGet("/staff", () => Results.Json(records.Staff, JsonSerializerOptions.Web));
    }
}
