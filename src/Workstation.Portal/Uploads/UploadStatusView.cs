using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Outbox;
using Workstation.Portal.Reports;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Uploads;

/// <summary>What lab staff see of a report: its stage and, once queued, the state of its outbox messages.</summary>
public sealed record UploadRow(
    long Id, string ReportNumber, string Kind, string DepartmentCode, string PatientName, string ItemName, DateTime ApprovedAt,
    string Status, string? Reason, UploadFailure? Failure, int Attempts, DateTime? DeliveredAt);

/// <summary>Statuses the console shows and filters by.</summary>
internal static class UploadStatuses
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

/// <summary>The console's view of the queue.</summary>
internal interface IUploadStatusView
{
    /// <summary>The latest reports (at most 2,000), each with its status; <paramref name="status"/> filters.</summary>
    Task<IReadOnlyList<UploadRow>> ListAsync(string? status, CancellationToken cancellationToken);
}

/// <summary>Each report with a status derived from its stage and its outbox messages.</summary>
internal sealed class UploadStatusView(IDbContextFactory<PortalDbContext> dbFactory) : IUploadStatusView
{
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
                UploadStages.Revoking => mine.Any(m => m.Type is UploadMessages.Revoke or UploadMessages.RevokeExam && m.State == OutboxStates.Delivered) ? UploadStatuses.Revoked
                    : mine.Any(m => m.State == OutboxStates.Dead) ? UploadStatuses.Failed : UploadStatuses.Revoking,
                _ => mine.Any(m => m.State == OutboxStates.Dead) ? UploadStatuses.Failed
                    : mine.Any(m => m.State == OutboxStates.Failed) ? UploadStatuses.Retrying
                    : mine.Count > 0 && mine.All(m => m.State is OutboxStates.Delivered or OutboxStates.Cancelled) ? UploadStatuses.Uploaded
                    : UploadStatuses.Queued,
            };
            return new UploadRow(i.Id, i.ReportNumber, i.Kind, i.DepartmentCode, i.PatientName, i.ItemName, i.ApprovedAt, state, i.HoldReason,
                state is UploadStatuses.Uploaded or UploadStatuses.Revoked ? null : UploadFailure.Decode(error), mine.Sum(m => m.Attempts),
                mine.Where(m => m.DeliveredAt != null).Max(m => m.DeliveredAt));
        });
        return rows.Where(r => status is null || r.Status == status).ToList();
    }

    public async Task<ApprovedReport?> FindReportAsync(string reportNumber, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var item = await db.Set<UploadItem>().AsNoTracking().SingleOrDefaultAsync(i => i.ReportNumber == reportNumber, cancellationToken);
        return item is null ? null : UploadIntake.Read(item);
    }
}
