using System.Globalization;
using System.Net;
using Workstation.Portal.Audit;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;
using Workstation.Platform.Contract;
using Workstation.Portal.Storage;
using Workstation.Reports;

namespace Workstation.Portal.BloodUse;

/// <summary>Outcome of <c>/blduseinfo</c>: the data, or the message for <c>erroMessage</c>.</summary>
internal sealed record LookupResult(BloodUseInfo? Info, string? Error);

/// <summary>Answers the reduction system's lookup by ID number from HIS, and audits every lookup (client, masked ID
/// number, result count) because an ID-number lookup is personal data.</summary>
internal sealed class BloodUseLookup(
    IHisInpatientApi his,
    GroupCommitWriter audit,
    IOptionsMonitor<BloodUseOptions> options,
    TimeProvider time,
    ILogger<BloodUseLookup> logger)
{
    public async Task<LookupResult> LookupAsync(string client, string? identityNumber, CancellationToken cancellationToken)
    {
        var id = identityNumber?.Trim() ?? "";
        var (result, outcome) = await QueryAsync(id, cancellationToken);
        // Concurrent lookups share one audit transaction (group commit); the answer still waits for its audit row.
        await audit.InsertAsync(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, "blood-use:" + client, "blood-use.lookup",
            id.Length == 0 ? null : ReportText.MaskIdNumber(id.Length > 32 ? id[..32] : id), outcome));
        return result;
    }

    private async Task<(LookupResult, string)> QueryAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length == 0) return (new LookupResult(null, BloodUseMessages.MissingIdentity), "result=missing-id");
        if (!PatientIdentityValidator.IsValidResidentId(id)) return (new LookupResult(null, BloodUseMessages.BadIdentity), "result=invalid-id");
        HisInpatient patient;
        try
        {
            patient = await his.GetBloodUseAsync(new HisInpatientQuery(id.ToUpperInvariant()), cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return (new LookupResult(null, BloodUseMessages.UnknownPatient), "result=not-found count=0");
        }
        catch (Exception ex) when (ex is ApiException or ApiRequestException or HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("HIS inpatient service failed for a blood-use lookup: {Error}", ex.GetType().Name + ": " + ex.Message);
            return (new LookupResult(null, BloodUseMessages.HisUnavailable), "result=his-unavailable");
        }
        var info = Map(patient, options.CurrentValue.InstitutionCode);
        return (new LookupResult(info, null), $"result=ok count={info.ChargeBills.Count}");
    }

    /// <summary>HIS record → seed-001 shape.</summary>
    public static BloodUseInfo Map(HisInpatient p, string institutionCode) => new(
        new BloodUser(p.Name, p.IdentityNumber, p.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{institutionCode}_{p.InpatientNumber}"),
        p.Settlements.Where(s => s.Transfusions.Count > 0).Select(s => new ChargeBill(
            s.SettlementNumber,
            s.BloodCost.ToString("0.00", CultureInfo.InvariantCulture),
            s.Transfusions.Max(t => t.TransfusedOn).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            s.Transfusions.Select(t => new BloodProductUse(t.DonationCode, t.ProductCode, t.ClassCode, t.ClassName, t.Volume, t.Rh, t.Money)).ToList()))
            .ToList());
}
