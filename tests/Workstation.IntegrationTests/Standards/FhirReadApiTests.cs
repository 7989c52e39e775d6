using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Doctor;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Audit;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;
using Workstation.Testing;
using Task = System.Threading.Tasks.Task;

namespace Workstation.IntegrationTests.Standards;

/// <summary>Firely's validator against the base R4 profiles: built once (its first validation takes seconds), used under a
/// lock (it is not thread-safe).</summary>
public static class R4Validator
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    });

    private static readonly Lock Gate = new();

    /// <summary>The errors Firely finds in <paramref name="json"/> (empty: valid).</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        var resource = FhirJsonDeserializer.DEFAULT.DeserializeResource(json);
        lock (Gate)
        {
            var outcome = Instance.Value.Validate(resource);
            return outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
                .Select(i => $"{resource.TypeName}: {i.Details?.Text} @ {string.Join(",", i.Expression)}").ToList();
        }
    }
}

/// <summary>The FHIR R4 read API over the reports retained after 互认, as an EHR (client JWT) and a HIS (API key) read it;
/// every resource passes Firely's validator.</summary>
public sealed class FhirReadApiTests(CdsFixture fixture) : IClassFixture<CdsFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpResponseMessage> GetAsync(string path, bool apiKey = false, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey) request.Headers.Add("X-Api-Key", PortalFixture.HisApiKey);
        else request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Ehr.Token("http://localhost/fhir/r4"));
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await Client().SendAsync(request, Ct);
    }

    private async Task<string> FhirAsync(string path, bool apiKey = false)
    {
        var response = await GetAsync(path, apiKey);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var errors = R4Validator.Errors(body);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return body;
    }

    /// <summary>The EHR recognises P1001's 血常规 through card feedback: the report is retained for its client.</summary>
    private async Task RecogniseThroughCdsAsync(string encounter)
    {
        var path = "/cds-services/workstation-order-sign";
        async Task<HttpResponseMessage> Post(string to, JsonNode body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, to) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Ehr.Token("http://localhost" + to));
            return await Client().SendAsync(request, Ct);
        }
        var cards = (await (await Post(path, CdsHooksTests.HookRequest("order-sign", "P1001", encounter))).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("cards");
        var uuid = cards[0].GetProperty("uuid").GetString()!;
        var feedback = new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = uuid, ["outcome"] = "accepted", ["outcomeTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = "s-" + uuid }),
            }),
        };
        Assert.Equal(HttpStatusCode.OK, (await Post(path + "/feedback", feedback)).StatusCode);
    }

    [Fact]
    public async Task The_capability_statement_is_valid_r4()
    {
        var body = await FhirAsync("/fhir/r4/metadata");
        var statement = FhirJsonDeserializer.DEFAULT.Deserialize<CapabilityStatement>(body);
        Assert.Equal(["DiagnosticReport", "Observation", "DocumentReference", "Binary"], statement.Rest[0].Resource.Select(r => r.Type));
    }

    [Fact]
    public async Task A_retained_report_reads_as_valid_diagnostic_report_observations_document_reference_and_binary_and_every_read_is_audited()
    {
        await RecogniseThroughCdsAsync("E-FHIR-1");

        var search = FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/DiagnosticReport?patient=P1001&category=LAB"));
        Assert.Equal(Bundle.BundleType.Searchset, search.Type);
        var report = Assert.IsType<DiagnosticReport>(search.Entry[0].Resource);
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Final, report.Status);
        Assert.Contains(report.Code.Coding, c => c.System == "http://loinc.org" && c.Code == "58410-2");
        Assert.Contains(report.Code.Coding, c => c.System == "urn:workstation:recognition-item" && c.Code == "L001");
        Assert.Equal("Patient/P1001", report.Subject!.Reference);
        Assert.NotEmpty(report.Result);
        Assert.Equal("application/pdf", report.PresentedForm.Single().ContentType);

        var read = FhirJsonDeserializer.DEFAULT.Deserialize<DiagnosticReport>(await FhirAsync("/fhir/r4/DiagnosticReport/" + report.Id));
        Assert.Equal(report.Id, read.Id);
        var observation = FhirJsonDeserializer.DEFAULT.Deserialize<Observation>(await FhirAsync("/fhir/r4/" + report.Result[0].Reference));
        Assert.Equal(ObservationStatus.Final, observation!.Status);
        Assert.NotNull(observation.Value);
        var observations = FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/Observation?patient=Patient/P1001"));
        Assert.Equal(report.Result.Count, observations!.Entry.Count(e => ((Observation)e.Resource!).DerivedFrom.Any(d => d.Reference == "DiagnosticReport/" + report.Id)));
        var documents = FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/DocumentReference?patient=P1001"));
        var document = documents!.Entry.Select(e => (DocumentReference)e.Resource!).Single(d => d.Id == report.Id);
        var binary = FhirJsonDeserializer.DEFAULT.Deserialize<Binary>(await FhirAsync("/fhir/r4/" + document.Content[0].Attachment.Url));
        Assert.Equal("application/pdf", binary!.ContentType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(binary.Data!, 0, 4));
        var pdf = await GetAsync("/fhir/r4/" + document.Content[0].Attachment.Url, accept: "application/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        Assert.Empty(FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/DiagnosticReport?patient=P1001&date=lt2000-01-01")).Entry);
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            return await db.AuditEvents.CountAsync(a => a.Actor == "test-ehr" && (a.Action == "fhir.read" || a.Action == "fhir.search"), Ct) >= 8;
        }, "every FHIR read to be audited", cancellationToken: Ct);
    }

    [Fact]
    public async Task A_his_reads_with_its_api_key_only_what_it_retained_and_without_credentials_nothing()
    {
        await RecogniseThroughCdsAsync("E-FHIR-2");
        // The HIS client retained nothing through its own channel yet: the EHR's reports are not its to read.
        var his = FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/DiagnosticReport?patient=P1001", apiKey: true));
        Assert.Empty(his.Entry);

        var api = Client();
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var check = await (await api.PostAsJsonAsync("/api/v1/orders/check", new
        {
            context = LaunchTests.Zhang("E-FHIR-HIS"), draftOrderId = "D-FHIR", stage = "save", items = new[] { new { lineId = "1", itemCode = "L001" } },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        await fixture.Factory.Services.CreateScope().ServiceProvider.GetRequiredService<DecisionService>().RecordAsync(
            LaunchTests.Zhang("E-FHIR-HIS").ToContext("test-his"), check.GetProperty("checkId").GetString()!,
            [new DecisionInput("1", DecisionChoices.Recognise, [], null)], Ct);
        his = FhirJsonDeserializer.DEFAULT.Deserialize<Bundle>(await FhirAsync("/fhir/r4/DiagnosticReport?patient=P1001", apiKey: true));
        Assert.Single(his.Entry);

        var anonymous = await Client().GetAsync("/fhir/r4/DiagnosticReport?patient=P1001", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(R4Validator.Errors(await anonymous.Content.ReadAsStringAsync(Ct))); // an OperationOutcome
        var wrongAudience = new HttpRequestMessage(HttpMethod.Get, "/fhir/r4/DiagnosticReport?patient=P1001");
        wrongAudience.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Ehr.Token("http://localhost/cds-services"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().SendAsync(wrongAudience, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/fhir/r4/DiagnosticReport")).StatusCode); // patient is required
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/fhir/r4/DiagnosticReport?patient=P1001&date=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/fhir/r4/DiagnosticReport/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/fhir/r4/Patient/P1001")).StatusCode);
    }
}
