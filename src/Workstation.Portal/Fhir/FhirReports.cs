using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Fhir;

/// <summary>A retained report with the patient of the decision that recognised it.</summary>
/// (Init-only members, so that queries can still filter on them after the projection.)
internal sealed record RetainedRow
{
    public long Id { get; init; }
    public string ClientId { get; init; } = "";
    public string EncounterId { get; init; } = "";
    public string PatientId { get; init; } = "";
    public string ReportId { get; init; } = "";
    public string ItemCode { get; init; } = "";
    public string ItemName { get; init; } = "";
    public string InstitutionName { get; init; } = "";
    public DateTime ReportDate { get; init; }
    public DateTime RetainedAt { get; init; }
    public string DetailJson { get; init; } = "";
    public int PdfLength { get; init; }
}

/// <summary>The reports a hospital retained after 互认, as FHIR R4: a DiagnosticReport per report (id: the retained row's
/// number), an Observation per lab result (<c>{report}-{n}</c>), a DocumentReference for its PDF and the PDF itself as
/// Binary (<c>{report}-pdf</c>). Each client sees only what was retained through it.</summary>
internal sealed class FhirReports(IDbContextFactory<PortalDbContext> dbFactory, RecognitionItemCatalogue catalogue)
{
    public const int MaxResults = 100;

    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string ReportCategory = "http://terminology.hl7.org/CodeSystem/v2-0074";
    private const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    public async Task<List<RetainedRow>> SearchAsync(string clientId, string patientId, DateTime? from, DateTime? to, string? category,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Rows(db).Where(r => r.ClientId == clientId && r.PatientId == patientId);
        if (from is { } f) query = query.Where(r => r.ReportDate >= f);
        if (to is { } t) query = query.Where(r => r.ReportDate < t);
        var rows = await query.OrderByDescending(r => r.ReportDate).ThenBy(r => r.Id).Take(MaxResults * 4).ToListAsync(cancellationToken);
        return rows.Where(r => category is null || Category(r) == category).Take(MaxResults).ToList();
    }

    public async Task<RetainedRow?> FindAsync(string clientId, long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Rows(db).SingleOrDefaultAsync(r => r.ClientId == clientId && r.Id == id, cancellationToken);
    }

    public async Task<byte[]?> PdfAsync(string clientId, long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await OrderQueries.RetainedReports(db).Where(r => r.ClientId == clientId && r.Id == id).Select(r => r.Pdf).SingleOrDefaultAsync(cancellationToken);
    }

    private static IQueryable<RetainedRow> Rows(PortalDbContext db) =>
        from r in OrderQueries.RetainedReports(db)
        join d in OrderQueries.Decisions(db) on r.DecisionId equals d.Id
        select new RetainedRow
        {
            Id = r.Id, ClientId = r.ClientId, EncounterId = r.EncounterId, PatientId = d.PatientId, ReportId = r.ReportId, ItemCode = r.ItemCode,
            ItemName = r.ItemName, InstitutionName = r.InstitutionName, ReportDate = r.ReportDate, RetainedAt = r.RetainedAt,
            DetailJson = r.DetailJson, PdfLength = r.Pdf.Length,
        };

    /// <summary>"LAB" or "RAD" (v2-0074), from the catalogue item's kind.</summary>
    public string Category(RetainedRow row) => catalogue.Find(row.ItemCode)?.Kind == ReportKinds.Exam ? "RAD" : "LAB";

    public DiagnosticReport Report(RetainedRow row)
    {
        var detail = Detail(row);
        var lab = Category(row) == "LAB";
        var report = new DiagnosticReport
        {
            Id = Id(row),
            Meta = new Meta { LastUpdated = new DateTimeOffset(DateTime.SpecifyKind(row.RetainedAt, DateTimeKind.Utc)) },
            Identifier = [new Identifier("urn:workstation:platform-report", row.ReportId)],
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Category = [new CodeableConcept(ReportCategory, lab ? "LAB" : "RAD", lab ? "Laboratory" : "Radiology")],
            Code = Code(row),
            Subject = new ResourceReference("Patient/" + row.PatientId),
            Effective = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(row.ReportDate, DateTimeKind.Utc))),
            Issued = new DateTimeOffset(DateTime.SpecifyKind(row.ReportDate, DateTimeKind.Utc)),
            Performer = [new ResourceReference { Display = row.InstitutionName }],
            Result = detail?.LabResults.Select((_, i) => new ResourceReference($"Observation/{Id(row)}-{i + 1}")).ToList() ?? [],
            Conclusion = detail?.Impression,
        };
        if (row.PdfLength > 0)
            // No size: the SDK's shared model writes it as R5's integer64 (a string), which R4 (unsignedInt) refuses.
            report.PresentedForm = [new Attachment { ContentType = "application/pdf", Url = $"Binary/{Id(row)}-pdf", Title = row.ItemName + ".pdf" }];
        return report;
    }

    public IReadOnlyList<Observation> Observations(RetainedRow row)
    {
        var detail = Detail(row);
        if (detail is null) return [];
        return detail.LabResults.Select((r, i) => Observation(row, r, i + 1)).ToList();
    }

    private Observation Observation(RetainedRow row, LabResult result, int n)
    {
        var observation = new Observation
        {
            Id = $"{Id(row)}-{n}",
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(ObservationCategory, "laboratory", "Laboratory")],
            Code = new CodeableConcept { Coding = [new Coding("urn:workstation:lab-analyte", result.Code, result.Name)], Text = result.Name },
            Subject = new ResourceReference("Patient/" + row.PatientId),
            Effective = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(row.ReportDate, DateTimeKind.Utc))),
            Performer = [new ResourceReference { Display = row.InstitutionName }],
            DerivedFrom = [new ResourceReference("DiagnosticReport/" + Id(row))],
        };
        if (decimal.TryParse(result.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            observation.Value = new Quantity { Value = value, Unit = result.Unit };
        else
            observation.Value = new FhirString(result.QualitativeResult ?? result.Value);
        if (!string.IsNullOrWhiteSpace(result.ReferenceRange))
            observation.ReferenceRange = [new Observation.ReferenceRangeComponent { Text = result.ReferenceRange }];
        if (InterpretationOf(result.Flag) is { } flag)
            observation.Interpretation = [new CodeableConcept(Interpretation, flag.Code, flag.Display)];
        return observation;
    }

    public DocumentReference Document(RetainedRow row) => new()
    {
        Id = Id(row),
        Status = DocumentReferenceStatus.Current,
        Type = Category(row) == "LAB"
            ? new CodeableConcept("http://loinc.org", "11502-2", "Laboratory report")
            : new CodeableConcept("http://loinc.org", "18748-4", "Diagnostic imaging study"),
        Subject = new ResourceReference("Patient/" + row.PatientId),
        Date = new DateTimeOffset(DateTime.SpecifyKind(row.RetainedAt, DateTimeKind.Utc)),
        Description = $"{row.ItemName} — {row.InstitutionName}",
        Content = [new DocumentReference.ContentComponent
        {
            Attachment = new Attachment { ContentType = "application/pdf", Url = $"Binary/{Id(row)}-pdf", Title = row.ItemName + ".pdf" },
        }],
        Context = new DocumentReference.ContextComponent { Related = [new ResourceReference("DiagnosticReport/" + Id(row))] },
    };

    public static string Id(RetainedRow row) => row.Id.ToString(CultureInfo.InvariantCulture);

    private CodeableConcept Code(RetainedRow row)
    {
        var concept = new CodeableConcept { Coding = [new Coding(RecognitionItemCatalogue.CodeSystem, row.ItemCode, row.ItemName)], Text = row.ItemName };
        if (catalogue.Find(row.ItemCode)?.Loinc is { } loinc) concept.Coding.Add(new Coding(RecognitionItemCatalogue.LoincSystem, loinc));
        return concept;
    }

    private static ReportDetail? Detail(RetainedRow row)
    {
        try
        {
            return JsonSerializer.Deserialize<ReportDetail>(row.DetailJson, Workstation.Platform.PlatformServiceCollectionExtensions.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (string Code, string Display)? InterpretationOf(string flag) => flag switch
    {
        "H" or "↑" => ("H", "High"),
        "L" or "↓" => ("L", "Low"),
        "HH" => ("HH", "Critical high"),
        "LL" => ("LL", "Critical low"),
        "N" => ("N", "Normal"),
        "A" => ("A", "Abnormal"),
        _ => null,
    };
}
