using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Inbound;
using Workstation.Portal.Background;
using Workstation.Portal.Notifications;
using Workstation.Portal.Outbox;
using Workstation.Portal.Reports;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Uploads;

/// <summary>The feed from LIS and HIS: reads stored <c>report-approved</c> / <c>report-withdrawn</c> (LIS) and
/// <c>VISIT_STARTED</c> (HIS: the patient is uploaded when new or changed) events in order (the
/// webhook stored them before answering 202), pulls each approved report from the LIS and hands it to
/// <see cref="UploadIntake"/>. Its position is stored with the items it creates, so a restart neither loses nor
/// repeats an event; a LIS that does not answer stops the feed at that event until it does.</summary>
internal sealed class UploadFeed(
    IServiceScopeFactory scopes,
    OutboxWriter outbox,
    JobLeases leases,
    Notifier<InboundEventStored> inbound,
    InboundEventLog log,
    IOptionsMonitor<UploadsOptions> options,
    ILogger<UploadFeed> logger) : BackgroundService
{
    public const string CursorName = "uploads.lis";
    public const string Approved = "report-approved";
    public const string Withdrawn = "report-withdrawn";
    public const string VisitStarted = "VISIT_STARTED";

    /// <summary>The events the feed follows.</summary>
    public static readonly EventKind[] Kinds =
    [
        new("lis", Approved), new("lis", Withdrawn), new("pacs", Approved), new("pacs", Withdrawn), new("his", VisitStarted),
    ];

    /// <summary>How long a pass holds the feed before renewing; an instance that dies mid-pass hands over after this.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private readonly WakeableLoop _loop = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = inbound.Subscribe(e =>
        {
            if (e.Type is Approved or Withdrawn or VisitStarted) _loop.Wake();
        });
        await _loop.RunAsync(() => options.CurrentValue.FeedInterval, async ct =>
        {
            while (await RunOnceAsync(ct) > 0)
            {
            }
        }, logger, "Upload feed", stoppingToken);
    }

    /// <summary>Processes the next events (at most 100); returns how many. With several portal instances one pass runs
    /// at a time (a job lease): an instance that finds the feed held returns 0 and tries again at its next poll.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken) =>
        await leases.RunExclusiveAsync(CursorName, Lease, RunHoldingLeaseAsync, cancellationToken) ?? 0;

    private async Task<int> RunHoldingLeaseAsync(CancellationToken cancellationToken)
    {
        var sinceRenewal = System.Diagnostics.Stopwatch.StartNew();
        using var scope = scopes.CreateScope();
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var lis = scope.ServiceProvider.GetRequiredService<ILisReportsApi>();
        var pacs = scope.ServiceProvider.GetRequiredService<IPacsReportsApi>();
        var uploads = scope.ServiceProvider.GetRequiredService<UploadIntake>();
        var his = scope.ServiceProvider.GetRequiredService<IHisRecordsApi>();
        var masterData = scope.ServiceProvider.GetRequiredService<MasterDataSync>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cursor = await db.Set<FeedCursor>().SingleOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
        if (cursor is null)
        {
            cursor = new FeedCursor { Name = CursorName };
            db.Add(cursor);
        }
        var events = await log.ReadAfterAsync(cursor.Position, Kinds, 100, cancellationToken);
        var done = 0;
        foreach (var e in events)
        {
            if (sinceRenewal.Elapsed > Lease / 3)
            {
                if (!await leases.TryAcquireAsync(CursorName, Lease, cancellationToken)) break; // taken over: stop here
                sinceRenewal.Restart();
            }
            var data = Parse(e);
            if (e.Type == VisitStarted && data is { PatientCode: { Length: > 0 } patientCode })
            {
                // A visit started: a patient new to the platform (新建档) or with changed details is uploaded, once.
                HisPatientRecord patient;
                try
                {
                    patient = await his.GetPatientAsync(patientCode, cancellationToken);
                }
                catch (Exception ex) when (ex is Refit.ApiException or Refit.ApiRequestException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("HIS patient {Patient} could not be read ({Error}); the feed waits at this event", patientCode, ex.Message);
                    break;
                }
                await masterData.QueuePatientAsync(db, patient, cancellationToken);
            }
            else if (data is { ReportNumber: { Length: > 0 } number })
            {
                if (e.Type == Approved)
                {
                    ApprovedReport report;
                    try
                    {
                        // PACS sends exam reports (seed 002's report return), LIS lab reports.
                        report = e.Source == "pacs"
                            ? new ApprovedReport(await pacs.GetExamReportAsync(number, cancellationToken))
                            : new ApprovedReport(await lis.GetLabReportAsync(number, cancellationToken));
                    }
                    catch (Exception ex) when (ex is Refit.ApiException or Refit.ApiRequestException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        logger.LogWarning("{Source} report {Report} could not be read ({Error}); the feed waits at this event", e.Source, number, ex.Message);
                        break; // nothing lost: this event is read again next pass
                    }
                    await uploads.ReceiveApprovedAsync(db, report, e.Source, data.DepartmentCode ?? "", cancellationToken);
                }
                else
                {
                    await uploads.WithdrawAsync(db, number, data.Reason ?? "LIS 撤回报告", "lis", cancellationToken);
                }
            }
            else
            {
                logger.LogWarning("Inbound event {Event} ({Type}) has no reportNumber or patientCode; skipped", e.EventId, e.Type);
            }
            cursor.Position = e.Id;
            try
            {
                await db.SaveChangesAsync(cancellationToken); // the item, its outbox messages and the cursor: one transaction
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance moved the cursor (our lease ran out), or a dispatcher claimed a message this event
                // cancels: nothing of this event was written; the pass stops and the event is read again.
                logger.LogWarning("Upload feed met a concurrent change at event {Event}; this pass stops and reads it again", e.Id);
                break;
            }
            done++;
        }
        if (done > 0) outbox.Signal();
        return done;
    }

    private ReportEventData? Parse(StoredEvent e)
    {
        try
        {
            return JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("data").Deserialize<ReportEventData>(JsonSerializerOptions.Web);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Signed and stored, but not what a report or visit event carries: said in the log, then passed over.
            logger.LogWarning(ex, "Inbound event {Event} ({Source} {Type}) has data the upload feed cannot read; skipped", e.EventId, e.Source, e.Type);
            return null;
        }
    }

    private sealed record ReportEventData(string? ReportNumber, string? Kind, string? DepartmentCode, string? Reason, string? PatientCode);
}
