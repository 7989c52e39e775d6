using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Workstation.Platform.Contract;
using Workstation.Portal.Audit;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;
using Workstation.Reports;

namespace Workstation.Portal.Recognition;

/// <summary><c>Recognition</c> settings.</summary>
public sealed class RecognitionOptions
{
    public const string Section = "Recognition";

    /// <summary>Store what the platform listed for each encounter (goal 10's denominator). Only ever turned off to measure
    /// what the listing costs the badge (the benchmark); with it off the recognition rate is not the national one.</summary>
    public bool RecordListings { get; set; } = true;

    /// <summary>How long a listing or a view of the same thing in the same encounter is not recorded again (the badge
    /// refreshes every minute).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan RepeatWindow { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>Records, behind the answer (through the group commit: no wait on the doctor's path, retried until stored),
/// what the platform listed for an encounter and every view of another hospital's patient data: the list shown, a
/// report opened, a PDF downloaded — by doctor, patient (ID number masked) and encounter.</summary>
public sealed class ReportViews(GroupCommitWriter writer, IMemoryCache cache, TimeProvider time, IOptionsMonitor<RecognitionOptions> options)
{
    public const string ListShown = "recognition.list.shown";
    public const string ReportOpened = "recognition.report.opened";
    public const string PdfDownloaded = "recognition.pdf.downloaded";

    /// <summary>Stores each listed report once per (encounter, report).</summary>
    public void Listed(LaunchContext context, IEnumerable<RecognisableReport> reports, string source)
    {
        if (!options.CurrentValue.RecordListings) return;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var r in reports)
        {
            if (!FirstTime($"listed:{context.ClientId}:{context.EncounterId}:{r.ReportId}")) continue;
            writer.Post(new ListedReport
            {
                ClientId = context.ClientId, EncounterId = context.EncounterId, PatientId = context.PatientId, ReportId = Cut(r.ReportId, 80),
                ItemCode = Cut(r.ItemCode, 16), Institution = Cut(r.InstitutionName, 80), ReportDate = r.ReportDate, ValidUntil = r.ValidUntil,
                Recognisable = r.Recognisable && r.ValidUntil > now, ListedAt = now, DoctorId = context.DoctorId,
                DepartmentCode = context.DepartmentCode, Setting = context.Setting, Source = source,
            });
        }
    }

    /// <summary>The doctor opened the list of recognisable reports (once per encounter and list).</summary>
    public void ListViewed(LaunchContext context, IReadOnlyCollection<RecognisableReport> reports)
    {
        var ids = string.Join(",", reports.Select(r => r.ReportId).Order(StringComparer.Ordinal));
        if (!FirstTime($"list-viewed:{context.ClientId}:{context.EncounterId}:{ids}")) return;
        Audit(context, ListShown, $"{reports.Count} reports: {ids}");
    }

    public void ReportViewed(LaunchContext context, string reportId) => Audit(context, ReportOpened, $"report {reportId}");

    public void PdfViewed(LaunchContext context, string reportId) => Audit(context, PdfDownloaded, $"report {reportId}");

    private void Audit(LaunchContext context, string action, string what) =>
        writer.Post(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, context.DoctorId, action, $"{context.ClientId}/{context.EncounterId}",
            $"patient {context.PatientId} ({ReportText.MaskIdNumber(context.Patient.IdNumber)}); {what}"));

    private bool FirstTime(string key)
    {
        if (cache.TryGetValue(key, out _)) return false;
        cache.Set(key, true, options.CurrentValue.RepeatWindow);
        return true;
    }

    private static string Cut(string value, int max) => value.Length > max ? value[..max] : value;
}
