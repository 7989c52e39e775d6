using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workstation.Platform;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>The doctor's choice for one undecided line.</summary>
public sealed record DecisionInput(string LineId, string Choice, IReadOnlyList<string> ReasonCodes, string? FreeText);

/// <summary>Stores the doctor's decisions (the dialog's only dependency).</summary>
internal interface IDecisionRecorder
{
    Task<IReadOnlyList<DecisionSummary>> RecordAsync(LaunchContext context, string checkId, IReadOnlyList<DecisionInput> inputs,
        CancellationToken cancellationToken);
}

/// <summary>Records 互认 / 不互认 decisions. The decision is stored first, in one transaction, so it is never lost;
/// for 互认 the report is then downloaded and kept with the encounter (retried in the background if the platform fails).</summary>
public sealed class DecisionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    OrderCheckService checks,
    IRecognitionPlatform platform,
    TimeProvider time,
    RetainFlights retains,
    ILogger<DecisionService> logger) : IDecisionRecorder
{
    public async Task<IReadOnlyList<DecisionSummary>> RecordAsync(LaunchContext context, string checkId,
        IReadOnlyList<DecisionInput> inputs, CancellationToken cancellationToken)
    {
        var outcome = await checks.LoadAsync(context, checkId, cancellationToken)
                      ?? throw new OrderInputException("unknown check for this encounter.");
        var now = time.GetUtcNow().UtcDateTime;
        var created = new List<RecognitionDecision>();
        var results = new List<DecisionSummary>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var input in inputs)
        {
            var line = outcome.Lines.FirstOrDefault(l => l.LineId == input.LineId)
                       ?? throw new OrderInputException($"line '{input.LineId}' is not part of this check.");
            if (!line.Duplicate) throw new OrderInputException($"line '{input.LineId}' duplicates nothing; there is nothing to decide.");
            if (line.Decision is not null)
            {
                results.Add(line.Decision); // idempotent: the first decision stands
                continue;
            }
            var codes = input.ReasonCodes.Distinct().ToList();
            if (input.Choice == DecisionChoices.Decline)
            {
                if (DeclineReasons.Problem(codes, input.FreeText) is { } problem) throw new OrderInputException($"line '{input.LineId}': {problem}");
            }
            else if (input.Choice != DecisionChoices.Recognise)
            {
                throw new OrderInputException($"line '{input.LineId}': choice must be 'recognise' or 'decline'.");
            }
            var report = line.Reports[0]; // the most recent recognisable result
            var decision = new RecognitionDecision
            {
                DecisionToken = OrderCheckService.NewDecisionToken(), ClientId = context.ClientId, EncounterId = context.EncounterId,
                DraftOrderId = outcome.DraftOrderId,
                LineId = line.LineId, ItemCode = line.ItemCode, ItemName = line.ItemName, ReportId = report.ReportId,
                ReportInstitution = report.InstitutionName, ReportDate = report.ReportDate, Choice = input.Choice,
                ReasonCodes = input.Choice == DecisionChoices.Decline ? string.Join(',', codes) : "",
                FreeText = input.Choice == DecisionChoices.Decline && !string.IsNullOrWhiteSpace(input.FreeText) ? input.FreeText.Trim() : null,
                DoctorId = context.DoctorId, DoctorName = context.DoctorName, DepartmentCode = context.DepartmentCode,
                DepartmentName = context.DepartmentName, PatientId = context.PatientId, PatientName = context.Patient.Name,
                Setting = context.Setting, Stage = outcome.Stage, Channel = outcome.Channel,
                CheckId = checkId, PresentedAt = outcome.CheckedAt, DecidedAt = now,
                RetainStatus = input.Choice == DecisionChoices.Recognise ? RetainStatuses.Pending : RetainStatuses.NotApplicable,
            };
            db.Decisions.Add(decision);
            created.Add(decision);
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another tab or a retried request decided the same (encounter, item, report) first: that decision stands.
            return await RecordAsync(context, checkId, inputs, cancellationToken);
        }
        results.AddRange(created.Select(OrderCheckService.ToSummary));
        foreach (var decision in created.Where(d => d.Choice == DecisionChoices.Recognise))
        {
            // The decisions are saved: keeping the report is retried by the re-check pass, so a failure here must not
            // tell the doctor that the decision was not saved.
            try
            {
                await TryRetainAsync(decision.Id, CancellationToken.None);
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or OperationCanceledException)
            {
                // OperationCanceledException: the re-check pass's download this call joined was stopped (shutdown).
                logger.LogWarning(ex, "Report {Report} of decision {Decision} not retained now; the re-check pass retries", decision.ReportId, decision.Id);
            }
        }
        await using var reload = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = created.Select(c => c.Id).ToList();
        var fresh = await reload.Decisions.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        return results.Select(r => fresh.FirstOrDefault(f => f.DecisionToken == r.DecisionToken) is { } f ? OrderCheckService.ToSummary(f) : r)
            .OrderBy(r => r.LineId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Downloads and keeps the report of a 互认 decision; true when it is (now) retained. The dialog retains
    /// right after saving while the re-check pass retains every pending decision: in this instance the second caller
    /// waits for the first's download instead of fetching the report again.</summary>
    public Task<bool> TryRetainAsync(long decisionId, CancellationToken cancellationToken) =>
        retains.RunAsync(decisionId, () => RetainAsync(decisionId, cancellationToken));

    private async Task<bool> RetainAsync(long decisionId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var decision = await db.Decisions.SingleAsync(d => d.Id == decisionId, cancellationToken);
        if (decision.RetainStatus == RetainStatuses.Retained) return true;
        try
        {
            var detail = await platform.GetReportAsync(decision.ReportId, cancellationToken);
            var pdf = await platform.GetReportPdfAsync(decision.ReportId, cancellationToken);
            if (!await db.RetainedReports.AnyAsync(r => r.ClientId == decision.ClientId && r.EncounterId == decision.EncounterId
                                                       && r.ReportId == decision.ReportId, cancellationToken))
            {
                db.RetainedReports.Add(new RetainedReport
                {
                    ClientId = decision.ClientId, EncounterId = decision.EncounterId, ReportId = decision.ReportId, DecisionId = decision.Id,
                    ItemCode = decision.ItemCode, ItemName = decision.ItemName, InstitutionName = decision.ReportInstitution,
                    ReportDate = decision.ReportDate, DetailJson = JsonSerializer.Serialize(detail, PlatformServiceCollectionExtensions.Json),
                    Pdf = pdf, RetainedAt = time.GetUtcNow().UtcDateTime,
                });
            }
            decision.RetainStatus = RetainStatuses.Retained;
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Kept meanwhile by another instance (its dialog or its re-check pass): both read "not kept yet" and the
            // second insert loses. The report is kept; the decision says so.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            await again.Decisions.Where(d => d.Id == decisionId && d.RetainStatus != RetainStatuses.Retained)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.RetainStatus, RetainStatuses.Retained), cancellationToken);
            return true;
        }
        catch (PlatformException ex)
        {
            logger.LogWarning("Report {Report} not retained yet ({Failure}); will retry", decision.ReportId, ex.Failure);
            return false;
        }
    }
}

/// <summary>The report downloads running in this instance, one per decision.</summary>
public sealed class RetainFlights : Workstation.Portal.Background.SingleFlight<long, bool>;

internal static class RetainStatuses
{
    public const string NotApplicable = "n/a";
    public const string Pending = "pending";
    public const string Retained = "retained";
}
