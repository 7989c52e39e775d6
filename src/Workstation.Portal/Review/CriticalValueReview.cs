using CsvHelper.Configuration.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MiniExcelLibs.Attributes;
using Workstation.Portal.Alerts;
using Workstation.Portal.Audit;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>The critical-value page's filter: the review's dates and department, and the alert's own fields.</summary>
/// <param name="Tier">critical | significant.</param>
/// <param name="State">open | acknowledged | handled.</param>
/// <param name="Escalated">true: escalated at least once; false: never.</param>
/// <param name="LateOnly">Only those not received within their tier's limit.</param>
public sealed record CriticalValueFilter(ReviewFilter Review, string? Tier = null, string? State = null, bool? Escalated = null, bool LateOnly = false)
{
    public static readonly IReadOnlyList<string> Tiers = [AlertTiers.Critical, AlertTiers.Significant];
    public static readonly IReadOnlyList<string> States = [AlertStatuses.Open, AlertStatuses.Acknowledged, AlertStatuses.Handled];

    /// <summary>Reads the query string; a problem names the bad value.</summary>
    public static (CriticalValueFilter Filter, FilterProblem? Problem) Parse(IReadOnlyDictionary<string, string?> query)
    {
        var (review, problem) = ReviewFilter.Parse(query);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var tier = Get("tier");
        var state = Get("state");
        var escalated = Get("escalated");
        var late = Get("late");
        if (tier is not null && !Tiers.Contains(tier))
            problem ??= new FilterProblem("Review.Problem.Tier", $"tier must be critical or significant (it is '{Cut(tier)}').");
        if (state is not null && !States.Contains(state))
            problem ??= new FilterProblem("Review.Problem.State", $"state must be open, acknowledged or handled (it is '{Cut(state)}').");
        if (escalated is not null and not ("true" or "false"))
            problem ??= new FilterProblem("Review.Problem.Escalated", $"escalated must be true or false (it is '{Cut(escalated)}').");
        if (late is not null and not ("true" or "false"))
            problem ??= new FilterProblem("Review.Problem.Late", $"late must be true or false (it is '{Cut(late)}').");
        return (new CriticalValueFilter(review, tier, state, escalated is null ? null : escalated == "true", late == "true"), problem);
    }

    /// <summary>The page's address for this filter.</summary>
    public string ToQueryString(bool withPaging = false)
    {
        var query = Review.ToQueryString(withPaging);
        void Add(string part) => query += (query.Length == 0 ? "?" : "&") + part;
        if (Tier is not null) Add("tier=" + Tier);
        if (State is not null) Add("state=" + State);
        if (Escalated is { } e) Add("escalated=" + (e ? "true" : "false"));
        if (LateOnly) Add("late=true");
        return query;
    }

    private static string Cut(string value) => value.Length > 32 ? value[..32] + "…" : value;
}

/// <summary>A critical value as the page lists it (times UTC).</summary>
/// <param name="Timely">Received (read-back) within its tier's limit of its appearance.</param>
internal sealed record AlertReviewRow(
    long Id, string DepartmentCode, string Tier, string Status, string PatientName, string ItemName, string Value, string Unit, string Specimen,
    DateTime ReportedAt, DateTime? NotifiedAt, DateTime? AcknowledgedAt, DateTime? HandledAt, string AccountableDoctorId, int EscalationLevel,
    bool Timely, IReadOnlyList<AlertStepRow> Steps);

/// <param name="Detail">The handling note of a <c>handled</c> step (other details stay in the alert's own record).</param>
internal sealed record AlertStepRow(DateTime At, string Kind, string? To, string? Detail = null);

/// <summary>One page of critical values and the indicators of everything the filter matches.</summary>
internal sealed record CriticalValuePage(ReviewPage<AlertReviewRow> Rows, CriticalValueSummary Summary);

/// <summary>One exported critical value, with Chinese headers.</summary>
internal sealed class CriticalValueExportRow
{
    [Name("编号"), ExcelColumnName("编号")] public long Id { get; set; }
    [Name("报告时间"), ExcelColumnName("报告时间")] public string ReportedAt { get; set; } = "";
    [Name("科室"), ExcelColumnName("科室")] public string Department { get; set; } = "";
    [Name("级别"), ExcelColumnName("级别")] public string Tier { get; set; } = "";
    [Name("患者"), ExcelColumnName("患者")] public string Patient { get; set; } = "";
    [Name("项目"), ExcelColumnName("项目")] public string Item { get; set; } = "";
    [Name("结果"), ExcelColumnName("结果")] public string Value { get; set; } = "";
    [Name("标本"), ExcelColumnName("标本")] public string Specimen { get; set; } = "";
    [Name("通知医生"), ExcelColumnName("通知医生")] public string NotifiedAt { get; set; } = "";
    [Name("临床接收(回读)"), ExcelColumnName("临床接收(回读)")] public string AcknowledgedAt { get; set; } = "";
    [Name("处理"), ExcelColumnName("处理")] public string HandledAt { get; set; } = "";
    [Name("升级级别"), ExcelColumnName("升级级别")] public int EscalationLevel { get; set; }
    [Name("状态"), ExcelColumnName("状态")] public string Status { get; set; } = "";
    [Name("及时"), ExcelColumnName("及时")] public string Timely { get; set; } = "";
}

/// <summary>The one critical-value page for staff (<c>/review/alerts</c>) and its API: filtered list with each alert's
/// steps, CL-14 / CL-15 over everything the filter matches, and exports. Every read is audited.</summary>
internal sealed class CriticalValueReview(IDbContextFactory<PortalDbContext> dbFactory, IOptions<ReviewOptions> options, TimeProvider time)
{
    /// <summary>The most critical values one query reads.</summary>
    public const int ScanLimit = 50_000;

    public async Task<CriticalValuePage> PageAsync(ResolvedFilter resolved, CriticalValueFilter filter, string actor, CancellationToken cancellationToken)
    {
        var all = await MatchingAsync(resolved, filter, cancellationToken);
        var summary = ReviewMetrics.CriticalValues(all.Select(ToFact).ToList(), options.Value.LimitOf);
        var listed = filter.LateOnly ? all.Where(a => !a.Timely).ToList() : all;
        var page = listed.Skip(resolved.Skip).Take(resolved.Filter.PageSize).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = page.Select(a => a.Id).ToList();
        var steps = (await AlertQueries.Steps(db).Where(s => ids.Contains(s.AlertId)).OrderBy(s => s.At).ThenBy(s => s.Id)
                .Select(s => new { s.AlertId, s.At, s.Kind, s.To, s.Detail }).ToListAsync(cancellationToken))
            .ToLookup(s => s.AlertId, s => new AlertStepRow(s.At, s.Kind, s.To, s.Kind == AlertStepKinds.Handled ? s.Detail : null));
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.alerts.list", null, $"{filter.ToQueryString(withPaging: true)} ({listed.Count})");
        await db.SaveChangesAsync(cancellationToken);
        return new CriticalValuePage(
            new ReviewPage<AlertReviewRow>(listed.Count, resolved.Filter.Page, resolved.Filter.PageSize, page.Select(a => a with { Steps = steps[a.Id].ToList() }).ToList()),
            summary);
    }

    /// <summary>Every critical value the filter matches (late ones only when asked), for the export; audited.</summary>
    public async Task<IReadOnlyList<CriticalValueExportRow>> ExportAsync(ResolvedFilter resolved, CriticalValueFilter filter, string format, string actor,
        CancellationToken cancellationToken)
    {
        var rows = (await MatchingAsync(resolved, filter, cancellationToken)).Where(a => !filter.LateOnly || !a.Timely).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.export", $"critical-values.{format}", $"{filter.ToQueryString()} ({rows.Count} rows)");
        await db.SaveChangesAsync(cancellationToken);
        var offset = options.Value.UtcOffset;
        string Local(DateTime? utc) => utc is { } t ? (DateTime.SpecifyKind(t, DateTimeKind.Utc) + offset).ToString("yyyy-MM-dd HH:mm:ss") : "";
        return rows.Select(a => new CriticalValueExportRow
        {
            Id = a.Id, ReportedAt = Local(a.ReportedAt), Department = a.DepartmentCode, Tier = a.Tier == AlertTiers.Significant ? "重要" : "危急",
            Patient = a.PatientName, Item = a.ItemName, Value = $"{a.Value} {a.Unit}".Trim(), Specimen = a.Specimen, NotifiedAt = Local(a.NotifiedAt),
            AcknowledgedAt = Local(a.AcknowledgedAt), HandledAt = Local(a.HandledAt), EscalationLevel = a.EscalationLevel,
            Status = a.Status switch { AlertStatuses.Handled => "已处理", AlertStatuses.Acknowledged => "已接收", _ => "未接收" },
            Timely = a.Timely ? "是" : "否",
        }).ToList();
    }

    private async Task<List<AlertReviewRow>> MatchingAsync(ResolvedFilter resolved, CriticalValueFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var q = AlertQueries.Timelines(db).Where(a => a.ReportedAt >= resolved.FromUtc && a.ReportedAt < resolved.ToUtc);
        if (resolved.Filter.Department is { } department) q = q.Where(a => a.DepartmentCode == department);
        if (filter.Tier is { } tier) q = q.Where(a => a.Tier == tier);
        if (filter.State is { } state) q = q.Where(a => a.Status == state);
        if (filter.Escalated is true) q = q.Where(a => a.EscalationLevel > 0);
        if (filter.Escalated is false) q = q.Where(a => a.EscalationLevel == 0);
        var rows = await q.OrderByDescending(a => a.ReportedAt).ThenByDescending(a => a.Id).Take(ScanLimit).ToListAsync(cancellationToken);
        var o = options.Value;
        return rows.Select(a => new AlertReviewRow(a.Id, a.DepartmentCode, a.Tier, a.Status, a.PatientName, a.ItemName, a.Value, a.Unit, a.Specimen,
                a.ReportedAt, a.NotifiedAt, a.AcknowledgedAt, a.HandledAt, a.AccountableDoctorId, a.EscalationLevel,
                a.AcknowledgedAt is { } r && r - a.ReportedAt <= o.LimitOf(a.Tier), []))
            .ToList();
    }

    private static AlertFact ToFact(AlertReviewRow a) =>
        new(a.Id, a.DepartmentCode, a.ReportedAt, a.NotifiedAt, a.AcknowledgedAt, a.HandledAt, a.EscalationLevel, a.Specimen, a.Tier);
}
