using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Portal.Launch;
using Workstation.Portal.Localization;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;
using Task = System.Threading.Tasks.Task;

namespace Workstation.Portal.CdsHooks;

/// <summary>Bad input to a hook (a 400 with this plain message, nothing stored), or no way to learn who the patient is
/// (412, as CDS Hooks 2.0 prescribes).</summary>
public sealed class CdsInputException(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>One hook call: reads the 2.0 request, maps the draft ServiceRequests to the recognition catalogue, checks them
/// like the HIS API does (same check record, same "not checked" when the platform fails) and answers one card per
/// undecided duplicate. Each card names its ServiceRequest in its suggestion's delete action, carries the national decline
/// reasons as override reasons, and links to the report (the embedded report view) and to the decision page
/// (<see cref="CdsCardLinks"/>); it is stored before the answer so that its
/// feedback is recorded as the decision. <c>order-sign</c> repeats the cards of lines still undecided.</summary>
public sealed class CdsHookHandler(
    OrderCheckService checks,
    RecognitionItemCatalogue catalogue,
    IHttpClientFactory http,
    IStringLocalizer<SharedResource> localizer,
    IOptionsMonitor<CdsHooksOptions> options,
    TimeProvider time,
    ILogger<CdsHookHandler> logger)
{
    public const string FhirHttpClientName = "cds-fhir";

    /// <summary>The OID of the resident identity card number as a FHIR identifier system (WS 364 CV02.01.101 code 01).</summary>
    public const string ResidentIdSystem = "urn:oid:2.16.156.10011.1.3";

    /// <summary>Recoverable mode (what is read is refused when it is read wrongly, below), without the SDK's validator:
    /// recoverable mode ignores what it reports anyway, and it doubled the parse (draft orders + patient of a card: 20 µs
    /// with it, 10 µs without, one thread).</summary>
    private static readonly FhirJsonDeserializer Fhir = new(new DeserializerSettings { Validator = null }.UsingMode(DeserializationMode.Recoverable));

    public async Task<CdsResponse> HandleAsync(CdsClientOptions client, string serviceId, JsonElement body, CancellationToken cancellationToken)
    {
        var (hook, stage) = CdsServices.All[serviceId];
        if (body.ValueKind != JsonValueKind.Object) throw new CdsInputException("The body must be a JSON object (a CDS Hooks request).");
        var requestHook = String(body, "hook") ?? throw new CdsInputException("hook is required.");
        if (requestHook != hook) throw new CdsInputException($"This service answers the '{hook}' hook, not '{Cut(requestHook)}'.");
        var hookInstance = String(body, "hookInstance") ?? throw new CdsInputException("hookInstance is required.");
        if (hookInstance.Length > 64) throw new CdsInputException("hookInstance is too long (at most 64 characters).");
        if (!body.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
            throw new CdsInputException("context is required (an object).");
        var userId = String(context, "userId") ?? throw new CdsInputException("context.userId is required.");
        var patientId = String(context, "patientId") ?? throw new CdsInputException("context.patientId is required.");
        var encounterId = String(context, "encounterId");
        if (userId.Length > 64 || patientId.Length > 32 || encounterId is { Length: > 36 })
            throw new CdsInputException("context.userId (64), patientId (32) or encounterId (36 characters) is too long.");

        List<OrderLine> lines;
        try
        {
            lines = Lines(DraftServiceRequests(context, hook));
        }
        catch (Exception ex) when (ex is not (CdsInputException or OperationCanceledException)) // kept leniently by the parser, refused when read
        {
            throw new CdsInputException("context.draftOrders is not a valid FHIR R4 Bundle of draft orders.");
        }
        if (lines.Count == 0) return new CdsResponse([]);

        var patient = await PatientAsync(body, patientId, cancellationToken);
        var doctorId = userId.Contains('/') ? userId[(userId.LastIndexOf('/') + 1)..] : userId;
        var launch = new LaunchContext(client.Id, Cut(doctorId, 32), Cut(doctorId, 32), client.DepartmentCode, client.DepartmentName,
            patientId, patient, encounterId ?? Cut("cds-" + patientId, 40), client.Setting);
        var cards = new List<CdsCardDto>();
        var contextJson = JsonSerializer.Serialize(launch);
        var now = time.GetUtcNow().UtcDateTime;
        var baseUrl = options.CurrentValue.PublicBaseUrl.TrimEnd('/');
        // The cards are committed with the check record (one group commit): they exist before the EHR sees them (their
        // feedback and links name them), and the answer waits for one write only.
        IReadOnlyList<object> Cards(string checkId, IReadOnlyList<LineCheck> checkedLines)
        {
            var rows = new List<object>();
            foreach (var line in checkedLines.Where(l => l.Undecided))
            {
                var report = line.Reports[0];
                var uuid = CdsCardLinks.NewCardId();
                rows.Add(new CdsCard
                {
                    Uuid = uuid, ClientId = client.Id, ServiceId = serviceId, HookInstance = hookInstance, CheckId = checkId,
                    LineId = line.LineId, ReportId = report.ReportId, ContextJson = contextJson, CreatedAt = now,
                });
                cards.Add(DuplicateCard(uuid, line, report, CdsCardLinks.Url(baseUrl, uuid, CdsCardLinks.Decide),
                    CdsCardLinks.Url(baseUrl, uuid, CdsCardLinks.Report)));
            }
            return rows;
        }

        OrderCheckOutcome outcome;
        try
        {
            outcome = await checks.CheckAsync(launch, Cut("cds-" + hookInstance, 64), stage, lines, cancellationToken,
                channel: CheckChannels.CdsHooks, companions: Cards);
        }
        catch (OrderInputException ex)
        {
            throw new CdsInputException(ex.Message);
        }
        if (outcome.Status == OrderCheckStatus.NotChecked) return new CdsResponse([NotCheckedCard(outcome)]);
        return new CdsResponse(cards);
    }

    /// <summary>The order lines of the draft ServiceRequests whose codes the recognition catalogue knows.</summary>
    private List<OrderLine> Lines(List<ServiceRequest> requests)
    {
        var lines = new List<OrderLine>();
        foreach (var request in requests)
        {
            RecognitionItem? item;
            try
            {
                item = request.Code?.Coding?.Select(c => catalogue.FindCoding(c.System, c.Code)).FirstOrDefault(i => i is not null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException) // kept leniently by the parser, refused when read
            {
                throw new CdsInputException($"ServiceRequest/{Cut(request.Id ?? "?")}: code is not a CodeableConcept.");
            }
            if (item is null) continue; // not in the recognition catalogue: nothing to say about it
            if (string.IsNullOrEmpty(request.Id) || request.Id.Length > 64)
                throw new CdsInputException("Every draft ServiceRequest needs an id (at most 64 characters): the card names it.");
            if (lines.All(l => l.LineId != request.Id)) lines.Add(new OrderLine(request.Id, item.Code));
        }
        return lines;
    }

    /// <summary>The draft ServiceRequests the hook is about: for order-select the selected ones, for order-sign all.</summary>
    private List<ServiceRequest> DraftServiceRequests(JsonElement context, string hook)
    {
        if (!context.TryGetProperty("draftOrders", out var draft) || draft.ValueKind != JsonValueKind.Object)
            throw new CdsInputException("context.draftOrders is required (a FHIR Bundle).");
        Bundle bundle;
        try
        {
            bundle = Fhir.Deserialize<Bundle>(draft.GetRawText());
        }
        catch (Exception ex) when (ex is not OperationCanceledException) // the SDK reports bad shapes with several exception types
        {
            throw new CdsInputException("context.draftOrders is not a FHIR R4 Bundle.");
        }
        var requests = bundle.Entry.Select(e => e.Resource).OfType<ServiceRequest>().ToList();
        if (hook == "order-select")
        {
            if (!context.TryGetProperty("selections", out var selections) || selections.ValueKind != JsonValueKind.Array)
                throw new CdsInputException("context.selections is required for order-select (an array of \"ServiceRequest/{id}\").");
            var selected = selections.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()).ToHashSet();
            requests = requests.Where(r => selected.Contains("ServiceRequest/" + r.Id)).ToList();
        }
        var max = options.CurrentValue.MaxDraftOrders;
        if (requests.Count > max) throw new CdsInputException($"Too many draft orders: at most {max} per request.");
        return requests;
    }

    /// <summary>Who the patient is: the prefetched Patient, else the EHR's FHIR server with the authorization it gave,
    /// else 412.</summary>
    private async Task<PatientIdentity> PatientAsync(JsonElement body, string patientId, CancellationToken cancellationToken)
    {
        if (body.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == JsonValueKind.Object
            && prefetch.TryGetProperty("patient", out var prefetched) && prefetched.ValueKind == JsonValueKind.Object)
        {
            return Identity(ParsePatient(prefetched.GetRawText()), "prefetch.patient");
        }
        var server = String(body, "fhirServer");
        string? token = null;
        if (body.TryGetProperty("fhirAuthorization", out var auth) && auth.ValueKind == JsonValueKind.Object) token = String(auth, "access_token");
        if (server is null || token is null || !Uri.TryCreate(server.TrimEnd('/') + "/Patient/" + Uri.EscapeDataString(patientId), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https"))
            throw new CdsInputException("The patient is needed: send prefetch.patient, or fhirServer with fhirAuthorization.", StatusCodes.Status412PreconditionFailed);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(options.CurrentValue.FhirServerTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("application/fhir+json");
            using var response = await http.CreateClient(FhirHttpClientName).SendAsync(request, cts.Token);
            if (!response.IsSuccessStatusCode)
                throw new CdsInputException($"The EHR's FHIR server answered {(int)response.StatusCode} for the patient.", StatusCodes.Status412PreconditionFailed);
            return Identity(ParsePatient(await response.Content.ReadAsStringAsync(cts.Token)), "the EHR's FHIR server");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Patient not read from the EHR's FHIR server {Server}: {Error}", server, ex.Message);
            throw new CdsInputException("The EHR's FHIR server could not be read for the patient in time.", StatusCodes.Status412PreconditionFailed);
        }
    }

    private static Patient? ParsePatient(string json)
    {
        try
        {
            return Fhir.Deserialize<Patient>(json);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    private static PatientIdentity Identity(Patient? patient, string where)
    {
        try
        {
            return IdentityOf(patient, where);
        }
        catch (Exception ex) when (ex is not (CdsInputException or OperationCanceledException)) // kept leniently by the parser, refused when read
        {
            throw new CdsInputException($"The patient from {where} is not a valid FHIR R4 Patient.", StatusCodes.Status412PreconditionFailed);
        }
    }

    private static PatientIdentity IdentityOf(Patient? patient, string where)
    {
        if (patient is null) throw new CdsInputException($"The patient from {where} is not a FHIR R4 Patient.", StatusCodes.Status412PreconditionFailed);
        var id = patient.Identifier.FirstOrDefault(i => i.System == ResidentIdSystem && !string.IsNullOrWhiteSpace(i.Value));
        if (id is null)
            throw new CdsInputException($"The patient from {where} has no resident identity number (identifier system {ResidentIdSystem}).",
                StatusCodes.Status412PreconditionFailed);
        var name = patient.Name.FirstOrDefault();
        var text = name?.Text ?? string.Concat(name?.Family ?? "", string.Concat(name?.Given ?? []));
        return new PatientIdentity(IdTypes.ResidentIdCard, Cut(id.Value!.Trim(), 32), Cut(string.IsNullOrWhiteSpace(text) ? "—" : text, 64));
    }

    private CdsCardDto DuplicateCard(string uuid, LineCheck line, RecognisableReport report, string decideUrl, string reportUrl)
    {
        var date = report.ReportDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var summary = Cut(localizer["Cds.Summary", line.ItemName, report.InstitutionName, date], 139);
        var detail = string.Join("\n",
            $"**{Markdown(line.ItemName)}** — {Markdown(report.InstitutionName)}",
            "",
            $"- {localizer["Cds.ReportDate"]}: {date}",
            $"- {localizer["Cds.ValidUntil"]}: {report.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
            $"- {localizer["Cds.KeyValues"]}: {Markdown(report.ResultSummary)}",
            $"- {localizer["Cds.Mark"]}: {Markdown(report.RecognitionMark)}",
            "",
            localizer["Cds.Instruction"]);
        var serviceRequest = "ServiceRequest/" + line.LineId;
        return new CdsCardDto(
            summary, "warning", Source(), uuid, detail,
            [new CdsSuggestion(localizer["Cds.Recognise"], "s-" + uuid, true,
                [new CdsAction("delete", localizer["Cds.RecogniseAction", line.ItemName], serviceRequest)])],
            "at-most-one",
            DeclineReasons.All.Select(code => new CdsCoding(code, CdsServices.DeclineReasonSystem, localizer["Decline." + code])).ToList(),
            [new CdsLink(localizer["Cds.ReportLink", line.ItemName, report.InstitutionName], reportUrl, "absolute"),
                new CdsLink(localizer["Cds.DecideLink"], decideUrl, "absolute")]);
    }

    private CdsCardDto NotCheckedCard(OrderCheckOutcome outcome) =>
        new(Cut(localizer["Cds.NotChecked"], 139), "info", Source(), Detail: localizer["Cds.NotCheckedDetail", string.Join("、", outcome.Lines.Select(l => l.ItemName))]);

    private CdsSource Source() => new(localizer["Cds.Source"], options.CurrentValue.PublicBaseUrl.TrimEnd('/') + "/");

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim() : null;

    private static string Markdown(string text) =>
        new(text.Replace("\r", " ").Replace("\n", " ").SelectMany(c => "\\`*_{}[]<>#|".Contains(c) ? new[] { '\\', c } : [c]).ToArray());

    private static string Cut(string value, int max = 40) => value.Length > max ? value[..max] : value;
}
