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

/// <summary>The intake of approved and withdrawn reports: an approved report is held when invalid, queued when its
/// department uploads automatically, else it waits for approval; an amended one replaces what had not gone out; a
/// withdrawal cancels what has not left or queues a revocation after it. Queued means ordered outbox messages (patient
/// → data → PDF) under the report's key.</summary>
internal sealed class UploadIntake(
    OutboxWriter outbox,
    UploadValidator validator,
    IOptionsMonitor<UploadsOptions> options,
    TimeProvider time)
{
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
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, item.Source, "upload.amended", item.ReportNumber, $"{item.Stage} v{version}");
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
                outbox.Add(db, $"revoke:{reportNumber}", UploadMessages.Destination, item.Kind == ReportKinds.Exam ? UploadMessages.RevokeExam : UploadMessages.Revoke, item.OrderingKey,
                    JsonSerializer.Serialize(new ReportRevocation(reportNumber, item.RevokeReason)));
            }
            else
            {
                item.Stage = UploadStages.Cancelled;
            }
        }
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "upload.withdraw", reportNumber, item.Stage + ": " + item.RevokeReason);
    }

    internal static ApprovedReport Read(UploadItem item) => item.Kind == ReportKinds.Exam
        ? new ApprovedReport(JsonSerializer.Deserialize<ExamReport>(item.ReportJson)!)
        : new ApprovedReport(JsonSerializer.Deserialize<LabReport>(item.ReportJson)!);

    /// <param name="version">Null for the first upload; a short digest of the amended report for each later one, so
    /// that every version has its own idempotency keys.</param>
    internal void Enqueue(PortalDbContext db, UploadItem item, ApprovedReport approved, string actor, string? version = null)
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

    private void EnqueuePatient(PortalDbContext db, UploadItem item, ReportHeader h, string suffix) =>
        outbox.Add(db, $"patient:{h.ReportNumber}{suffix}", UploadMessages.Destination, UploadMessages.Patient, item.OrderingKey,
            JsonSerializer.Serialize(UploadMapping.Patient(h)));

    private void EnqueueExam(PortalDbContext db, UploadItem item, ExamReport report, string suffix)
    {
        var n = report.Header.ReportNumber;
        EnqueuePatient(db, item, report.Header, suffix);
        outbox.Add(db, $"exam:{n}{suffix}", UploadMessages.Destination, UploadMessages.ExamData, item.OrderingKey, JsonSerializer.Serialize(UploadMapping.Exam(report)));
        outbox.Add(db, $"pdf:{n}{suffix}", UploadMessages.Destination, UploadMessages.ExamPdf, item.OrderingKey, JsonSerializer.Serialize(new { reportNumber = n }));
    }

    private void EnqueueLab(PortalDbContext db, UploadItem item, LabReport report, string suffix)
    {
        var n = report.Header.ReportNumber;
        EnqueuePatient(db, item, report.Header, suffix);
        outbox.Add(db, $"lab:{n}{suffix}", UploadMessages.Destination, UploadMessages.LabData, item.OrderingKey, JsonSerializer.Serialize(UploadMapping.Lab(report)));
        // The PDF is drawn when it is sent (from the stored report), so the queue does not hold megabytes.
        outbox.Add(db, $"pdf:{n}{suffix}", UploadMessages.Destination, UploadMessages.LabPdf, item.OrderingKey, JsonSerializer.Serialize(new { reportNumber = n }));
    }
}
