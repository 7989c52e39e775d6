using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Contract;
using Workstation.Portal.Audit;
using Workstation.Portal.Outbox;
using Workstation.Portal.Reports;
using Workstation.Portal.Storage;
using Workstation.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>What lab staff see of a report: its stage and, once queued, the state of its outbox messages.</summary>
public sealed record UploadRow(
    long Id, string ReportNumber, string Kind, string DepartmentCode, string PatientName, string ItemName, DateTime ApprovedAt,
    string Status, string? Reason, string? PlatformError, int Attempts, DateTime? DeliveredAt);

/// <summary>Statuses the console shows and filters by.</summary>
public static class UploadStatuses
{
    public const string Held = "held";
    public const string Awaiting = "awaiting";
    public const string Queued = "queued";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
    public const string Uploaded = "uploaded";
    public const string Revoking = "revoking";
    public const string Revoked = "revoked";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [Held, Awaiting, Queued, Retrying, Failed, Uploaded, Revoking, Revoked, Cancelled];
}

/// <summary>Turns approved reports into ordered outbox messages (patient → data → PDF; revocation last), and the lab
/// console's actions: approve in bulk, retry, revoke.</summary>
public sealed class UploadService(
    IDbContextFactory<PortalDbContext> dbFactory,
    OutboxWriter outbox,
    UploadValidator validator,
    IOptionsMonitor<UploadsOptions> options,
    TimeProvider time)
{
    public const string Destination = "platform";

    public static class MessageTypes
    {
        public const string Patient = "upload-patient";
        public const string LabData = "upload-lab";
        public const string LabPdf = "upload-lab-pdf";
        public const string Revoke = "revoke-lab";
        public const string ExamData = "upload-exam";
        public const string ExamPdf = "upload-exam-pdf";
        public const string RevokeExam = "revoke-exam";
    }

    /// <summary>Records an approved lab or exam report (once per report number): held when invalid, queued when its
    /// department uploads automatically, else waiting for approval. Returns the item.</summary>
    public async Task<UploadItem> ReceiveApprovedAsync(PortalDbContext db, ApprovedReport report, string source, string department,
        CancellationToken cancellationToken)
    {
        var header = report.Header;
        var json = report.IsLab ? JsonSerializer.Serialize(report.Lab) : JsonSerializer.Serialize(report.Exam);
        var existing = await db.Set<UploadItem>().SingleOrDefaultAsync(i => i.ReportNumber == header.ReportNumber, cancellationToken);
        if (existing is not null)
        {
            if (existing.ReportJson == json || existing.Stage is UploadStages.Cancelled or UploadStages.Revoking)
                return existing; // a repeated event (nothing twice), or a report already withdrawn
            return await AmendAsync(db, existing, report, json, cancellationToken);
        }
        var problems = report.Lab is { } lab ? validator.Validate(lab) : validator.Validate(report.Exam!);
        var item = new UploadItem
        {
            ReportNumber = header.ReportNumber, Kind = report.IsLab ? ReportKinds.Lab : ReportKinds.Exam, Source = source,
            DepartmentCode = department, PatientName = header.Patient.Name, ItemName = header.ItemName,
            ReportJson = json,
            ApprovedAt = header.ApprovedAt.UtcDateTime, ReceivedAt = time.GetUtcNow().UtcDateTime,
        };
        if (problems.Count > 0)
        {
            item.Stage = UploadStages.Held;
            item.HoldReason = string.Join("\n", problems);
        }
        else if (options.CurrentValue.ModeOf(department) == UploadModes.Auto)
        {
            Enqueue(db, item, report, "auto");
        }
        else
        {
            item.Stage = UploadStages.AwaitingApproval;
        }
        db.Add(item);
        return item;
    }

    /// <summary>The LIS/PACS amended an approved report (e.g. after the platform refused a field, or a held report was
    /// corrected): what has not gone out is cancelled, the report is validated again and, unless it waits for approval,
    /// its data and PDF are queued again as a new version (the platform replaces the report).</summary>
    private async Task<UploadItem> AmendAsync(PortalDbContext db, UploadItem item, ApprovedReport report, string json, CancellationToken cancellationToken)
    {
        await outbox.CancelUnsentAsync(db, item.OrderingKey, cancellationToken);
        item.ReportJson = json;
        item.ApprovedAt = report.Header.ApprovedAt.UtcDateTime;
        var problems = report.Lab is { } lab ? validator.Validate(lab) : validator.Validate(report.Exam!);
        item.HoldReason = problems.Count > 0 ? string.Join("\n", problems) : null;
        var version = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))[..8];
        if (problems.Count > 0) item.Stage = UploadStages.Held;
        else if (item.Stage is UploadStages.Held or UploadStages.AwaitingApproval && options.CurrentValue.ModeOf(item.DepartmentCode) == UploadModes.Approve)
            item.Stage = UploadStages.AwaitingApproval;
        else Enqueue(db, item, report, "amended", version);
        db.AuditEvents.Add(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime, Actor = item.Source, Action = "upload.amended", Subject = item.ReportNumber, Detail = $"{item.Stage} v{version}",
        });
        return item;
    }

    /// <summary>A withdrawal: unsent messages are cancelled (nothing reaches the platform); once anything went out, a
    /// revocation is queued after it.</summary>
    public async Task WithdrawAsync(PortalDbContext db, string reportNumber, string reason, string actor, CancellationToken cancellationToken)
    {
        var item = await db.Set<UploadItem>().SingleOrDefaultAsync(i => i.ReportNumber == reportNumber, cancellationToken);
        if (item is null || item.Stage is UploadStages.Cancelled or UploadStages.Revoking) return;
        item.RevokeReason = reason.Length > 200 ? reason[..200] : reason;
        if (item.Stage is UploadStages.Held or UploadStages.AwaitingApproval)
        {
            item.Stage = UploadStages.Cancelled;
        }
        else
        {
            await outbox.CancelUnsentAsync(db, item.OrderingKey, cancellationToken);
            var anySent = await db.Outbox.AnyAsync(m => m.OrderingKey == item.OrderingKey
                && (m.State == OutboxStates.Delivered || m.State == OutboxStates.Sending), cancellationToken);
            if (anySent)
            {
                item.Stage = UploadStages.Revoking;
                outbox.Add(db, $"revoke:{reportNumber}", Destination, item.Kind == ReportKinds.Exam ? MessageTypes.RevokeExam : MessageTypes.Revoke, item.OrderingKey,
                    JsonSerializer.Serialize(new ReportRevocation(reportNumber, item.RevokeReason)));
            }
            else
            {
                item.Stage = UploadStages.Cancelled;
            }
        }
        db.AuditEvents.Add(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime, Actor = actor, Action = "upload.withdraw", Subject = reportNumber, Detail = item.Stage + ": " + item.RevokeReason,
        });
    }

    /// <summary>Lab staff approve reports waiting in the console; returns how many were queued.</summary>
    public async Task<int> ApproveAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var items = await db.Set<UploadItem>().Where(i => ids.Contains(i.Id) && i.Stage == UploadStages.AwaitingApproval).ToListAsync(cancellationToken);
        foreach (var item in items)
            Enqueue(db, item, Read(item), actor);
        db.AuditEvents.Add(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime, Actor = actor, Action = "upload.approve", Detail = $"{items.Count} report(s)",
        });
        await db.SaveChangesAsync(cancellationToken);
        outbox.Signal();
        return items.Count;
    }

    /// <summary>Puts the failed or dead-lettered messages of a report back in line now.</summary>
    public async Task<int> RetryAsync(string reportNumber, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = "report:" + reportNumber;
        var ids = await db.Outbox.Where(m => m.OrderingKey == key && (m.State == OutboxStates.Failed || m.State == OutboxStates.Dead))
            .Select(m => m.Id).ToListAsync(cancellationToken);
        var retried = 0;
        foreach (var id in ids) retried += await outbox.RetryNowAsync(db, id, cancellationToken) ? 1 : 0;
        db.AuditEvents.Add(new AuditEvent { At = time.GetUtcNow().UtcDateTime, Actor = actor, Action = "upload.retry", Subject = reportNumber });
        await db.SaveChangesAsync(cancellationToken);
        return retried;
    }

    /// <summary>Lab staff revoke a report with a reason (as a LIS withdrawal would).</summary>
    public async Task RevokeAsync(string reportNumber, string reason, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await WithdrawAsync(db, reportNumber, reason, actor, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Signal();
    }

    /// <summary>The console's list: every item with its status derived from its outbox messages.</summary>
    public async Task<IReadOnlyList<UploadRow>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var items = await db.Set<UploadItem>().AsNoTracking().OrderByDescending(i => i.Id).Take(2000).ToListAsync(cancellationToken);
        var keys = items.Select(i => i.OrderingKey).ToList();
        var messages = (await db.Outbox.AsNoTracking().Where(m => m.OrderingKey != null && keys.Contains(m.OrderingKey))
                .Select(m => new { m.OrderingKey, m.Type, m.State, m.Attempts, m.LastError, m.DeliveredAt }).ToListAsync(cancellationToken))
            .ToLookup(m => m.OrderingKey!);
        var rows = items.Select(i =>
        {
            var mine = messages[i.OrderingKey].ToList();
            var error = mine.Where(m => m.LastError != null).Select(m => m.LastError).LastOrDefault();
            var state = i.Stage switch
            {
                UploadStages.Held => UploadStatuses.Held,
                UploadStages.AwaitingApproval => UploadStatuses.Awaiting,
                UploadStages.Cancelled => UploadStatuses.Cancelled,
                UploadStages.Revoking => mine.Any(m => m.Type is MessageTypes.Revoke or MessageTypes.RevokeExam && m.State == OutboxStates.Delivered) ? UploadStatuses.Revoked
                    : mine.Any(m => m.State == OutboxStates.Dead) ? UploadStatuses.Failed : UploadStatuses.Revoking,
                _ => mine.Any(m => m.State == OutboxStates.Dead) ? UploadStatuses.Failed
                    : mine.Any(m => m.State == OutboxStates.Failed) ? UploadStatuses.Retrying
                    : mine.Count > 0 && mine.All(m => m.State is OutboxStates.Delivered or OutboxStates.Cancelled) ? UploadStatuses.Uploaded
                    : UploadStatuses.Queued,
            };
            return new UploadRow(i.Id, i.ReportNumber, i.Kind, i.DepartmentCode, i.PatientName, i.ItemName, i.ApprovedAt, state, i.HoldReason,
                state is UploadStatuses.Uploaded or UploadStatuses.Revoked ? null : error, mine.Sum(m => m.Attempts),
                mine.Where(m => m.DeliveredAt != null).Max(m => m.DeliveredAt));
        });
        return rows.Where(r => status is null || r.Status == status).ToList();
    }

    public async Task<ApprovedReport?> FindReportAsync(string reportNumber, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var item = await db.Set<UploadItem>().AsNoTracking().SingleOrDefaultAsync(i => i.ReportNumber == reportNumber, cancellationToken);
        return item is null ? null : Read(item);
    }

    private static ApprovedReport Read(UploadItem item) => item.Kind == ReportKinds.Exam
        ? new ApprovedReport(JsonSerializer.Deserialize<ExamReport>(item.ReportJson)!)
        : new ApprovedReport(JsonSerializer.Deserialize<LabReport>(item.ReportJson)!);

    /// <param name="version">Null for the first upload; a short digest of the amended report for each later one, so
    /// that every version has its own idempotency keys.</param>
    private void Enqueue(PortalDbContext db, UploadItem item, ApprovedReport approved, string actor, string? version = null)
    {
        var suffix = version is null ? "" : ":" + version;
        if (approved.Exam is { } exam)
        {
            EnqueueExam(db, item, exam, suffix);
        }
        else
        {
            EnqueueLab(db, item, approved.Lab!, suffix);
        }
        item.Stage = UploadStages.Queued;
        item.ReleasedBy = actor;
        item.ReleasedAt = time.GetUtcNow().UtcDateTime;
    }

    private void EnqueuePatient(PortalDbContext db, UploadItem item, ReportHeader h, string suffix)
    {
        var patient = new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name);
        outbox.Add(db, $"patient:{h.ReportNumber}{suffix}", Destination, MessageTypes.Patient, item.OrderingKey, JsonSerializer.Serialize(new PatientUpload(
            patient, h.Patient.Sex == "男" ? "M" : h.Patient.Sex == "女" ? "F" : "U", BirthDate(h.Patient.IdNumber), null, h.Patient.PatientId)));
    }

    private void EnqueueExam(PortalDbContext db, UploadItem item, ExamReport report, string suffix)
    {
        var h = report.Header;
        var n = h.ReportNumber;
        EnqueuePatient(db, item, h, suffix);
        var data = new ExamReportUpload(n, new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name), h.RecognitionItemCodes[0],
            h.Patient.Department.Code, h.Reporter.Code, h.Approver.Code, h.ApprovedAt.UtcDateTime, report.Findings, report.Impression, null)
        {
            ReportStatus = h.Status == ReportStatus.Final ? "最终" : "临时",
            RequestNumber = h.RequestNumber,
            InstitutionCode = h.Hospital.Code,
            ItemCodes = h.RecognitionItemCodes,
            Recognisable = h.Recognisable,
            Void = false,
            Modality = report.Modality.Code,
            BodyPart = report.BodyPart,
            ExaminedAt = report.ExaminedAt.UtcDateTime,
            Advice = report.Advice,
            Positive = report.Positive,
            StudyNumber = report.StudyNumber,
            StudyInstanceUid = report.StudyInstanceUid,
            ImageCount = report.ImageCount,
            ReporterName = h.Reporter.Name,
            ReportedAt = h.ReportedAt.UtcDateTime,
            ApproverName = h.Approver.Name,
            Signature = "SHA256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(n + "|" + report.Findings + "|" + report.Impression))),
        };
        outbox.Add(db, $"exam:{n}{suffix}", Destination, MessageTypes.ExamData, item.OrderingKey, JsonSerializer.Serialize(data));
        outbox.Add(db, $"pdf:{n}{suffix}", Destination, MessageTypes.ExamPdf, item.OrderingKey, JsonSerializer.Serialize(new { reportNumber = n }));
    }

    private void EnqueueLab(PortalDbContext db, UploadItem item, LabReport report, string suffix)
    {
        var h = report.Header;
        var patient = new PatientIdentity(h.Patient.IdType, h.Patient.IdNumber, h.Patient.Name);
        var n = h.ReportNumber;
        EnqueuePatient(db, item, h, suffix);
        var data = new LabReportUpload(n, patient, h.RecognitionItemCodes[0], h.Patient.Department.Code, h.Reporter.Code, h.Approver.Code,
            h.ApprovedAt.UtcDateTime,
            report.Analytes.Select(a => new LabResult(a.Code, a.Name, a.Value ?? a.QualitativeResult ?? "", a.Unit, a.ReferenceRange, Flag(a.Flag))
                { QualitativeResult = a.QualitativeResult }).ToList())
        {
            ReportStatus = h.Status == ReportStatus.Final ? "最终" : "临时",
            RequestNumber = h.RequestNumber,
            InstitutionCode = h.Hospital.Code,
            ItemCodes = h.RecognitionItemCodes,
            Recognisable = h.Recognisable,
            Void = false,
            Specimen = new LabSpecimenUpload(report.Specimen.Category.Code, report.Specimen.Category.Name, report.Specimen.Number,
                report.Specimen.CollectedAt.UtcDateTime, report.Specimen.ReceivedAt.UtcDateTime),
            TechnicianCode = report.Technician.Code,
            ReporterName = h.Reporter.Name,
            ReportedAt = h.ReportedAt.UtcDateTime,
            ApproverName = h.Approver.Name,
            Signature = SignatureOf(n, report),
        };
        outbox.Add(db, $"lab:{n}{suffix}", Destination, MessageTypes.LabData, item.OrderingKey, JsonSerializer.Serialize(data));
        // The PDF is drawn when it is sent (from the stored report), so the queue does not hold megabytes.
        outbox.Add(db, $"pdf:{n}{suffix}", Destination, MessageTypes.LabPdf, item.OrderingKey, JsonSerializer.Serialize(new { reportNumber = n }));
    }

    /// <summary>CA签名值: in a hospital the CA's signing service signs the report data; the demo puts a SHA-256 digest
    /// of the report number and results in its place, so the field is present and changes with the data.</summary>
    private static string SignatureOf(string reportNumber, LabReport report) =>
        "SHA256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            reportNumber + "|" + string.Join(";", report.Analytes.Select(a => $"{a.Code}={a.Value ?? a.QualitativeResult}")))));

    private static DateOnly BirthDate(string idNumber) =>
        idNumber.Length == 18 && DateOnly.TryParseExact(idNumber.AsSpan(6, 8), "yyyyMMdd", out var birth) ? birth : default;

    private static string Flag(AbnormalFlag flag) => flag switch
    {
        AbnormalFlag.High => "H",
        AbnormalFlag.Low => "L",
        AbnormalFlag.CriticalHigh or AbnormalFlag.CriticalLow => "C",
        _ => "N",
    };
}
