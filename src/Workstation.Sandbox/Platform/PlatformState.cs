using System.Collections.Concurrent;
using System.Security.Cryptography;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.Platform;

/// <summary>A report the platform holds, with the data it was uploaded with.</summary>
public sealed record StoredReport(
    RecognisableReport Summary,
    PatientIdentity Patient,
    IReadOnlyList<LabResult> LabResults,
    string? Findings,
    string? Impression,
    bool Revoked = false,
    string? RevokeReason = null);

/// <summary>An accepted upload: operation (patient, lab, exam, pdf, revoke, ...) and its key (report id, patient id).</summary>
public sealed record UploadLogEntry(string Operation, string Key, DateTime At);

/// <summary>The platform simulator's state: reports, tokens, uploads, faults and counters. Thread-safe.</summary>
public sealed class PlatformState
{
    private readonly ConcurrentDictionary<string, StoredReport> _reports = new();
    private readonly ConcurrentDictionary<string, (string Institution, DateTimeOffset ExpiresAt)> _tokens = new();
    private readonly ConcurrentDictionary<string, UploadReceipt> _receipts = new();
    private readonly ConcurrentDictionary<string, object> _dictionaries = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (string Password, string Institution)> _accounts;
    private int _tokensIssued, _unauthorized, _apiCalls, _faultsInjected;

    public PlatformState(RecognitionItemCatalogue catalogue, TimeProvider time, string username, string password)
    {
        Catalogue = catalogue;
        _time = time;
        _accounts = new() { [username] = (password, DemoWorld.Home.Code) };
        Seed();
    }

    public RecognitionItemCatalogue Catalogue { get; }

    /// <summary>Faults in force; replaced whole so a reader never sees half a change.</summary>
    public PlatformFaults Faults
    {
        get => _faults;
        set
        {
            _faults = value;
            _scheduled.Left = value.FailNextCalls;
        }
    }

    private PlatformFaults _faults = PlatformFaults.None;
    private readonly ScheduledFailures _scheduled = new();

    /// <summary>Consumes one of <see cref="PlatformFaults.FailNextCalls"/>; true while some are left.</summary>
    public bool TakeScheduledFailure() => _scheduled.Take();

    public DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    public PlatformStats Stats => new(_tokensIssued, _unauthorized, _apiCalls, _faultsInjected);

    public void CountApiCall() => Interlocked.Increment(ref _apiCalls);

    public void CountFault() => Interlocked.Increment(ref _faultsInjected);

    public void CountUnauthorized() => Interlocked.Increment(ref _unauthorized);

    public TokenData? IssueToken(string username, string password)
    {
        if (Faults.RejectCredentials || !_accounts.TryGetValue(username, out var account) || account.Password != password)
            return null;
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = (account.Institution, _time.GetUtcNow().AddSeconds(Faults.TokenTtlSeconds));
        Interlocked.Increment(ref _tokensIssued);
        return new TokenData(token, Faults.TokenTtlSeconds);
    }

    /// <summary>The institution a token belongs to, or null when unknown or expired.</summary>
    public string? Authenticate(string? token)
    {
        if (token is null || !_tokens.TryGetValue(token, out var entry)) return null;
        if (entry.ExpiresAt > _time.GetUtcNow()) return entry.Institution;
        _tokens.TryRemove(token, out _);
        return null;
    }

    public void ExpireAllTokens() => _tokens.Clear();

    /// <summary>Reports of a patient produced by other institutions, newest first, with recognisability as of now.</summary>
    public IReadOnlyList<RecognisableReport> ReportsFor(PatientIdentity patient, string requester) =>
        _reports.Values
            .Where(r => r.Patient.IdType == patient.IdType && r.Patient.IdNumber == patient.IdNumber
                        && r.Summary.InstitutionCode != requester)
            .Select(r => r.Summary with { Recognisable = !r.Revoked && r.Summary.ValidUntil >= UtcNow })
            .OrderByDescending(r => r.ReportDate)
            .ToList();

    public StoredReport? FindReport(string reportId) =>
        _reports.TryGetValue(reportId, out var r)
            ? r with { Summary = r.Summary with { Recognisable = !r.Revoked && r.Summary.ValidUntil >= UtcNow } }
            : null;

    /// <summary>Adds or replaces a report (an upload, or a test creating a new result elsewhere).</summary>
    public StoredReport PutReport(
        string reportId, PatientIdentity patient, RecognitionItem item, Institution institution, DateTime reportDate,
        IReadOnlyList<LabResult>? labResults = null, string? findings = null, string? impression = null)
    {
        if (item.Kind == ReportKinds.Lab)
            labResults ??= ReportContent.LabResults(item.Code, item.Name, reportId.GetHashCode(StringComparison.Ordinal));
        else if (findings is null || impression is null)
            (findings, impression) = ReportContent.ExamText(item.Code, item.Name);
        labResults ??= [];

        var summary = new RecognisableReport(reportId, item.Kind, item.Code, item.Name, institution.Code, institution.Name,
            reportDate, reportDate.AddDays(item.ValidityDays), true, "HR",
            ReportContent.Summary(labResults, item.Kind == ReportKinds.Exam ? impression : null));
        var report = new StoredReport(summary, patient, labResults, findings, impression);
        _reports[reportId] = report;
        return report;
    }

    public bool Revoke(string reportId, string reason)
    {
        while (_reports.TryGetValue(reportId, out var current))
        {
            if (_reports.TryUpdate(reportId, current with { Revoked = true, RevokeReason = reason }, current)) return true;
        }
        return false;
    }

    /// <summary>Idempotent receipt per upload key: the same upload twice gets the same receipt.</summary>
    public UploadReceipt Receipt(string key) =>
        _receipts.GetOrAdd(key, _ => new UploadReceipt("RC" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), UtcNow));

    public void PutDictionaryEntry(string key, object value) => _dictionaries[key] = value;

    private readonly System.Collections.Concurrent.ConcurrentQueue<UploadLogEntry> _uploads = new();

    /// <summary>Every accepted upload call in arrival order (what tests check order and exactly-once against).</summary>
    public IReadOnlyList<UploadLogEntry> Uploads => [.. _uploads];

    public void LogUpload(string operation, string key) => _uploads.Enqueue(new UploadLogEntry(operation, key, UtcNow));

    public int DictionaryCount(string prefix) => _dictionaries.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));

    private void Seed()
    {
        var start = UtcNow;
        foreach (var seed in DemoWorld.Reports)
        {
            var patient = DemoWorld.FindByHisId(seed.HisId)!;
            var item = Catalogue.Find(seed.ItemCode)!;
            var institution = DemoWorld.Institutions.First(i => i.Code == seed.InstitutionCode);
            PutReport($"R-{seed.InstitutionCode}-{seed.HisId}-{seed.ItemCode}", patient.Identity, item, institution,
                start.AddDays(-seed.DaysAgo).AddHours(-2));
        }
    }
}
