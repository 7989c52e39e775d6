using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Authentication;
using Workstation.Portal.Audit;
using Workstation.Portal.CdsHooks;
using Workstation.Portal.Hosting;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Fhir;

/// <summary>The FHIR R4 read API of retained reports: metadata, search and read.</summary>
internal static class FhirEndpoints
{
    public const string BasePath = "/fhir/r4";
    public const string ContentType = "application/fhir+json";

    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(BasePath).WithTags("FHIR R4").AllowAnonymous(); // client JWT or HIS API key, checked per call
        fhir.MapGet("/metadata", Metadata).WithName("FhirCapabilityStatement").WithSummary("FHIR R4 CapabilityStatement of the read API")
            .Produces(200, contentType: ContentType);
        fhir.MapGet("/DiagnosticReport", (HttpContext h, FhirReports r, CancellationToken c) => SearchAsync(h, r, "DiagnosticReport", c))
            .WithName("FhirSearchDiagnosticReport").WithSummary("Retained reports of a patient (patient required; date, category)")
            .Produces(200, contentType: ContentType).Produces(400, contentType: ContentType).Produces(401, contentType: ContentType);
        fhir.MapGet("/Observation", (HttpContext h, FhirReports r, CancellationToken c) => SearchAsync(h, r, "Observation", c))
            .WithName("FhirSearchObservation").WithSummary("Lab results of a patient's retained reports (patient required; date)")
            .Produces(200, contentType: ContentType).Produces(400, contentType: ContentType).Produces(401, contentType: ContentType);
        fhir.MapGet("/DocumentReference", (HttpContext h, FhirReports r, CancellationToken c) => SearchAsync(h, r, "DocumentReference", c))
            .WithName("FhirSearchDocumentReference").WithSummary("The PDFs of a patient's retained reports (patient required; date, category)")
            .Produces(200, contentType: ContentType).Produces(400, contentType: ContentType).Produces(401, contentType: ContentType);
        fhir.MapGet("/{type}/{id}", ReadAsync).WithName("FhirRead").WithSummary("Read a DiagnosticReport, Observation, DocumentReference or Binary")
            .Produces(200, contentType: ContentType).Produces(401, contentType: ContentType).Produces(404, contentType: ContentType);
        return app;
    }

    private static IResult Metadata(HttpContext http)
    {
        var resource = new CapabilityStatement.ResourceComponent[]
        {
            Resource("DiagnosticReport", ["patient", "date", "category"]), Resource("Observation", ["patient", "date"]),
            Resource("DocumentReference", ["patient", "date", "category"]), Resource("Binary", []),
        };
        var statement = new CapabilityStatement
        {
            Name = "WorkstationRetainedReports", Title = "Workstation: reports retained after mutual recognition",
            Status = PublicationStatus.Active, Date = "2026-12-06", Kind = CapabilityStatementKind.Instance,
            FhirVersion = FHIRVersion.N4_0_1, Format = ["json"],
            Software = new CapabilityStatement.SoftwareComponent { Name = "Workstation" },
            Implementation = new CapabilityStatement.ImplementationComponent
            {
                DescriptionElement = new FhirString("Read-only FHIR R4 API for the exam and lab reports this hospital retained after 互认"),
                Url = $"{http.Request.Scheme}://{http.Request.Host}{BasePath}",
            },
            Rest = [new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Security = new CapabilityStatement.SecurityComponent
                {
                    DescriptionElement = new Markdown("A CDS client's signed JWT (Authorization: Bearer, aud = this base URL) or the HIS API key (X-Api-Key)."),
                },
                Resource = [.. resource],
            }],
        };
        return Fhir(statement);
    }

    private static CapabilityStatement.ResourceComponent Resource(string type, string[] search) => new()
    {
        Type = type,
        Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }, .. search.Length > 0
            ? [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType }]
            : Array.Empty<CapabilityStatement.ResourceInteractionComponent>()],
        SearchParam = search.Select(name => new CapabilityStatement.SearchParamComponent
        {
            Name = name, Type = name switch { "patient" => SearchParamType.Reference, "date" => SearchParamType.Date, _ => SearchParamType.Token },
        }).ToList(),
    };

    private static async Task<IResult> SearchAsync(HttpContext http, FhirReports reports, string type, CancellationToken ct)
    {
        var clientId = await ClientAsync(http, ct);
        if (clientId is null) return Unauthorized(http);
        var query = http.Request.Query;
        var known = new HashSet<string> { "patient", "date", "category", "_format" };
        if (query.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) return Outcome(400, $"Unsupported search parameter '{Cut(unknown)}'.");
        var patient = query["patient"].ToString();
        if (patient.StartsWith("Patient/", StringComparison.Ordinal)) patient = patient["Patient/".Length..];
        if (string.IsNullOrWhiteSpace(patient) || patient.Length > 32) return Outcome(400, "The patient search parameter is required (the patient's id, at most 32 characters).");
        DateTime? from = null, to = null;
        foreach (var value in query["date"])
        {
            if (!TryDate(value, out var prefix, out var day)) return Outcome(400, $"date '{Cut(value ?? "")}' must be yyyy-MM-dd, optionally prefixed ge, gt, le, lt or eq.");
            switch (prefix)
            {
                case "ge": from = day; break;
                case "gt": from = day.AddDays(1); break;
                case "le": to = day.AddDays(1); break;
                case "lt": to = day; break;
                default: (from, to) = (day, day.AddDays(1)); break;
            }
        }
        var category = query["category"].ToString();
        if (category.Contains('|')) category = category[(category.IndexOf('|') + 1)..];
        category = category.ToUpperInvariant() switch { "" => "", "LAB" or "LABORATORY" => "LAB", "RAD" or "IMAGING" => "RAD", _ => "?" };
        if (category == "?") return Outcome(400, "category must be LAB or RAD (v2-0074).");

        var rows = await reports.SearchAsync(clientId, patient, from, to, category.Length == 0 ? null : category, ct);
        var resources = type switch
        {
            "DiagnosticReport" => rows.Select(r => (Resource)reports.Report(r)).ToList(),
            "DocumentReference" => rows.Where(r => r.PdfLength > 0).Select(r => (Resource)reports.Document(r)).ToList(),
            _ => rows.SelectMany(r => reports.Observations(r)).Cast<Resource>().ToList(),
        };
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}{BasePath}";
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset, Total = resources.Count,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/{type}{http.Request.QueryString}" }],
            Entry = resources.Select(r => new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{r.TypeName}/{r.Id}", Resource = r, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            }).ToList(),
        };
        Audit(http, clientId, "fhir.search", $"{type}?patient={patient}", $"{resources.Count} resources");
        return Fhir(bundle);
    }

    private static async Task<IResult> ReadAsync(string type, string id, HttpContext http, FhirReports reports, CancellationToken ct)
    {
        var clientId = await ClientAsync(http, ct);
        if (clientId is null) return Unauthorized(http);
        if (type is not ("DiagnosticReport" or "Observation" or "DocumentReference" or "Binary"))
            return Outcome(404, $"This server has no resource type '{Cut(type)}'; see {BasePath}/metadata.");
        var parts = id.Split('-', 2);
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return NotFound(type, id);
        var row = await reports.FindAsync(clientId, number, ct);
        if (row is null) return NotFound(type, id);
        Resource? resource = (type, parts.Length > 1 ? parts[1] : null) switch
        {
            ("DiagnosticReport", null) => reports.Report(row),
            ("DocumentReference", null) when row.PdfLength > 0 => reports.Document(row),
            ("Observation", { } n) when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var index) =>
                reports.Observations(row).ElementAtOrDefault(index - 1),
            _ => null,
        };
        if (type == "Binary" && parts.Length > 1 && parts[1] == "pdf" && await reports.PdfAsync(clientId, number, ct) is { Length: > 0 } pdf)
        {
            Audit(http, clientId, "fhir.read", $"Binary/{id}", $"patient {row.PatientId}, report {row.ReportId}");
            var wantsPdf = http.Request.Headers.Accept.ToString().Contains("application/pdf", StringComparison.OrdinalIgnoreCase);
            return wantsPdf ? Results.File(pdf, "application/pdf") : Fhir(new Binary { Id = id, ContentType = "application/pdf", Data = pdf });
        }
        if (resource is null) return NotFound(type, id);
        Audit(http, clientId, "fhir.read", $"{type}/{id}", $"patient {row.PatientId}, report {row.ReportId}");
        return Fhir(resource);
    }

    /// <summary>The calling client: a CDS client's JWT (audience: the API's base URL) or a HIS API key; null: refused.</summary>
    private static async Task<string?> ClientAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.Headers.ContainsKey(HisApiKeyHandler.Header))
        {
            var result = await http.AuthenticateAsync(HisApiKeyHandler.SchemeName);
            return result.Succeeded ? result.Principal!.FindFirst(HisApiKeyHandler.ClientClaim)?.Value : null;
        }
        var caller = await http.RequestServices.GetRequiredService<CdsClientAuthenticator>().AuthenticateAsync(http.Request, BasePath, ct);
        return caller.Client?.Id;
    }

    private static void Audit(HttpContext http, string clientId, string action, string subject, string detail)
    {
        var writer = http.RequestServices.GetRequiredService<GroupCommitWriter>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        writer.Post(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, clientId, action, subject, detail));
    }

    private static bool TryDate(string? value, out string prefix, out DateTime day)
    {
        value ??= "";
        prefix = value.Length > 2 && char.IsLetter(value[0]) ? value[..2] : "eq";
        var date = value.Length > 2 && char.IsLetter(value[0]) ? value[2..] : value;
        day = default;
        return prefix is "eq" or "ge" or "gt" or "le" or "lt"
               && DateTime.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out day);
    }

    private static IResult Fhir(Resource resource) => Results.Text(resource.ToJson(), ContentType);

    private static IResult NotFound(string type, string id) => Outcome(404, $"{type}/{Cut(id)} is not a report this client retained.");

    private static IResult Unauthorized(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Outcome(401, "A valid client JWT or HIS API key is required.");
    }

    private static IResult Outcome(int status, string message) => Results.Text(new OperationOutcome
    {
        Issue = [new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = status switch { 401 => OperationOutcome.IssueType.Security, 404 => OperationOutcome.IssueType.NotFound, _ => OperationOutcome.IssueType.Invalid },
            Diagnostics = message,
        }],
    }.ToJson(), ContentType, statusCode: status);

    private static string Cut(string value) => value.Length > 40 ? value[..40] : value;
}
