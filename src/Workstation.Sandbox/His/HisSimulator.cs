using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Platform.Catalogue;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.His;

/// <summary>A draft order line as HIS holds it, with the decision token the portal gave for it (if any).</summary>
public sealed record HisOrderLine(string LineId, string ItemCode, string? DecisionToken = null);

/// <summary>An order HIS saved, with the lines the doctor kept.</summary>
public sealed record HisOrder(string OrderId, string HisId, string Setting, IReadOnlyList<HisOrderLine> Lines, DateTime SavedAt,
    string? ValidationStatus = null);

/// <summary>How this HIS is registered with the portal (mirrors one entry of the portal's <c>His:Clients</c>).</summary>
public sealed record HisRegistration(string ClientId, string ApiKey, string LaunchSecret);

/// <summary>State of the HIS simulator: where the portal is, how HIS is registered there, and the saved orders.</summary>
public sealed class HisState(RecognitionItemCatalogue catalogue)
{
    private readonly ConcurrentDictionary<string, HisOrder> _orders = new();

    public RecognitionItemCatalogue Catalogue { get; } = catalogue;

    /// <summary>The portal's base URL the demo page embeds; null until the portal listens.</summary>
    public string? PortalUrl { get; set; }

    /// <summary>Credentials shared with the portal; null until the portal's demo wiring (or a test) sets them.</summary>
    public HisRegistration? Registration { get; set; }

    /// <summary>The doctor signed in to this HIS workstation.</summary>
    public (string Id, string Name, string DepartmentCode, string DepartmentName) Doctor { get; set; } = ("D001", "李医生", "NK", "内科");

    /// <summary>When true, every opening of a patient is a new visit (its own encounter id), as in a busy clinic; the
    /// demo keeps one encounter per patient and setting.</summary>
    public bool NewVisitEachLaunch { get; set; }

    private int _visits;

    internal string Visit(string encounter) => NewVisitEachLaunch ? $"{encounter}-{Interlocked.Increment(ref _visits)}" : encounter;

    public IReadOnlyCollection<HisOrder> Orders => _orders.Values.OrderBy(o => o.SavedAt).ToList();

    /// <summary>Master data (patients, departments, staff) and the VISIT_STARTED event.</summary>
    public HisRecords Records { get; } = new();

    public HisOrder Save(HisOrder order) => _orders.GetOrAdd(order.OrderId, order);

    /// <summary>Fail the next N inpatient (blood-use) lookups with 503.</summary>
    public ScheduledFailures InpatientFailures { get; } = new();
}

/// <summary>The demo doctor workstation: a HIS page on its own origin that embeds the portal with the Workstation embed
/// script, with a patient list, an encounter view (outpatient, emergency, inpatient) and an order entry form. Its
/// backend launches the portal (signed URL or one-time code) and validates saves through the portal's API, as a real
/// HIS would.</summary>
public static class HisSimulator
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static void Map(WebApplication app, HisState state)
    {
        SiteAssets.MapSite(app, "his");

        app.MapGet("/his/api/config", () => Results.Json(new
        {
            portalUrl = state.PortalUrl,
            hospitalName = DemoWorld.Home.Name,
            hospitalCode = DemoWorld.Home.Code,
            doctor = new { id = state.Doctor.Id, name = state.Doctor.Name, department = state.Doctor.DepartmentName },
        }, PlatformServiceCollectionExtensions.Json));
        app.MapGet("/his/api/patients", () => Results.Json(DemoWorld.Patients.Select(p => new
        {
            p.HisId,
            p.Identity.Name,
            p.Identity.IdType,
            p.Identity.IdNumber,
            p.Sex,
            p.BirthDate,
            EncounterId = EncounterId(p),
        }), PlatformServiceCollectionExtensions.Json));
        app.MapGet("/his/api/catalogue", () => Results.Json(state.Catalogue.Items, PlatformServiceCollectionExtensions.Json));
        app.MapGet("/his/api/launch", (string hisId, string? setting, string? mode) => LaunchAsync(state, hisId, setting ?? "outpatient", mode ?? "signed"));
        app.MapPost("/his/api/orders", (HisOrder order) => SaveAsync(state, order));
        app.MapGet("/his/api/orders", () => Results.Json(state.Orders, PlatformServiceCollectionExtensions.Json));
        HisRecords.Map(app, state.Records);
        HisInpatients.Map(app, state);
        HisCardReader.Map(app, state);
    }

    private static string EncounterId(DemoPatient p) => "E" + p.HisId[1..];

    private static async Task<IResult> LaunchAsync(HisState state, string hisId, string setting, string mode)
    {
        if (DemoWorld.FindByHisId(hisId) is not { } patient) return Results.Problem("Unknown patient.", statusCode: 404);
        _ = state.Records.VisitStartedAsync(patient.HisId, state.Doctor.DepartmentCode); // reception: HIS tells its subscribers
        if (state.PortalUrl is null || state.Registration is not { } reg) return Results.Problem("The portal is not configured yet.", statusCode: 503);
        var parameters = new Dictionary<string, string>
        {
            ["client"] = reg.ClientId,
            ["doctor"] = state.Doctor.Id,
            ["doctorName"] = state.Doctor.Name,
            ["dept"] = state.Doctor.DepartmentCode,
            ["deptName"] = state.Doctor.DepartmentName,
            ["patient"] = patient.HisId,
            ["idType"] = patient.Identity.IdType,
            ["idNumber"] = patient.Identity.IdNumber,
            ["name"] = patient.Identity.Name,
            // Each setting is its own encounter (a visit, an emergency visit, an admission).
            ["encounter"] = state.Visit($"{EncounterId(patient)}-{setting[..3].ToUpperInvariant()}"),
            ["setting"] = setting,
        };
        if (mode == "code")
        {
            var context = new
            {
                doctorId = parameters["doctor"], doctorName = parameters["doctorName"], departmentCode = parameters["dept"],
                departmentName = parameters["deptName"], patientId = parameters["patient"], idType = parameters["idType"],
                idNumber = parameters["idNumber"], patientName = parameters["name"], encounterId = parameters["encounter"], setting,
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(state.PortalUrl), "/api/v1/launch"))
            {
                Content = JsonContent.Create(new { context }),
            };
            request.Headers.Add("X-Api-Key", reg.ApiKey);
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) return Results.Problem(body, statusCode: (int)response.StatusCode);
            var url = JsonDocument.Parse(body).RootElement.GetProperty("url").GetString();
            return Results.Json(new { url, encounterId = parameters["encounter"] });
        }
        parameters["ts"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters["nonce"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var canonical = Canonical(parameters);
        var sig = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(reg.LaunchSecret), Encoding.UTF8.GetBytes(canonical)));
        return Results.Json(new { url = $"{state.PortalUrl.TrimEnd('/')}/launch?{canonical}&sig={sig}", encounterId = parameters["encounter"] });
    }

    /// <summary>The documented canonical form (docs/embedding.md), implemented here as a HIS vendor would.</summary>
    public static string Canonical(IReadOnlyDictionary<string, string> parameters) =>
        string.Join('&', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static async Task<IResult> SaveAsync(HisState state, HisOrder order)
    {
        if (order.Lines.Count == 0 || DemoWorld.FindByHisId(order.HisId) is not { } patient)
            return Results.Problem("An order needs a known patient and at least one line.", statusCode: StatusCodes.Status400BadRequest);
        var status = "not-configured";
        if (state.PortalUrl is not null && state.Registration is { } reg)
        {
            // HIS asks the portal before saving: every duplicate line must carry a decision.
            var encounter = $"{EncounterId(patient)}-{order.Setting[..3].ToUpperInvariant()}";
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(state.PortalUrl), "/api/v1/orders/validate"))
            {
                Content = JsonContent.Create(new { encounterId = encounter, draftOrderId = order.OrderId, items = order.Lines }),
            };
            request.Headers.Add("X-Api-Key", reg.ApiKey);
            try
            {
                using var response = await Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode == StatusCodes.Status409Conflict)
                    return Results.Content(body, "application/problem+json", statusCode: StatusCodes.Status409Conflict);
                status = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() ?? "ok" : "portal-error";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status = "portal-unreachable"; // HIS never blocks the doctor on the portal; the order is saved and flagged
            }
        }
        return Results.Json(state.Save(order with { SavedAt = DateTime.UtcNow, ValidationStatus = status }), PlatformServiceCollectionExtensions.Json);
    }
}
