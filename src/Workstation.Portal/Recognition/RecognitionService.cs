using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Portal.Audit;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Recognition;

public enum BadgeStatus
{
    Checking,
    Available,
    None,

    /// <summary>未核验: the platform was slow or down; never shown as green or grey.</summary>
    NotChecked,
}

/// <summary>What the badge shows, and the list behind it.</summary>
public sealed record BadgeState(BadgeStatus Status, int Count, IReadOnlyList<RecognisableReport> Items, string? PageUrl,
    PlatformFailure? Failure, DateTimeOffset? CheckedAt)
{
    public static readonly BadgeState Checking = new(BadgeStatus.Checking, 0, [], null, null, null);
}

/// <summary>The recognition list of the launched patient, and their reports, through the platform client.</summary>
internal sealed class RecognitionService(
    IRecognitionPlatform platform,
    IDbContextFactory<PortalDbContext> dbFactory,
    IMemoryCache cache,
    ReportViews views,
    TimeProvider time,
    ILogger<RecognitionService> logger)
{
    // The list a doctor just saw is reused to authorise report and PDF views for a short while (no extra platform call).
    private static readonly TimeSpan ListReuse = TimeSpan.FromSeconds(60);

    private static string ListKey(PatientIdentity p) => $"recognition-list:{p.IdType}:{p.IdNumber}";

    public async Task<BadgeState> LoadBadgeAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        try
        {
            var list = await platform.ListAsync(context.Patient, cancellationToken);
            cache.Set(ListKey(context.Patient), list, ListReuse);
            views.Listed(context, list.Items, ListingSources.Badge); // behind the answer
            var count = list.Items.Count(i => i.Recognisable);
            return new BadgeState(count > 0 ? BadgeStatus.Available : BadgeStatus.None, count, list.Items, list.PageUrl, null, time.GetUtcNow());
        }
        catch (PlatformException ex)
        {
            logger.LogWarning("Recognition list not checked for encounter {Encounter}: {Failure}", context.EncounterId, ex.Failure);
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, context.DoctorId, "recognition.list.not-checked",
                $"{context.ClientId}/{context.EncounterId}", ex.Failure.ToString());
            await db.SaveChangesAsync(CancellationToken.None);
            return new BadgeState(BadgeStatus.NotChecked, 0, [], null, ex.Failure, time.GetUtcNow());
        }
    }

    /// <summary>A report of the launched patient; refuses ids that are not in the patient's recognition list.</summary>
    public async Task<ReportDetail> GetReportAsync(LaunchContext context, string reportId, CancellationToken cancellationToken)
    {
        await EnsureBelongsAsync(context, reportId, cancellationToken);
        var report = await platform.GetReportAsync(reportId, cancellationToken);
        views.ReportViewed(context, reportId);
        return report;
    }

    public async Task<byte[]> GetPdfAsync(LaunchContext context, string reportId, CancellationToken cancellationToken)
    {
        await EnsureBelongsAsync(context, reportId, cancellationToken);
        var pdf = await platform.GetReportPdfAsync(reportId, cancellationToken);
        views.PdfViewed(context, reportId);
        return pdf;
    }

    private async Task EnsureBelongsAsync(LaunchContext context, string reportId, CancellationToken cancellationToken)
    {
        if (cache.Get<RecognitionListData>(ListKey(context.Patient)) is { } seen && seen.Items.Any(i => i.ReportId == reportId)) return;
        var list = await platform.ListAsync(context.Patient, cancellationToken);
        cache.Set(ListKey(context.Patient), list, ListReuse);
        if (list.Items.All(i => i.ReportId != reportId))
            throw new PlatformException(PlatformFailure.Rejected, "The report is not one of this patient's recognisable reports.");
    }
}
