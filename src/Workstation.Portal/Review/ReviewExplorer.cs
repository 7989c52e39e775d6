using Workstation.Portal.Alerts;
using Workstation.Portal.Audit;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Bounded queries over the doctors' decisions and the not-checked events (the marks themselves are
/// <see cref="ReviewMarking"/>'s). Every read of patient data is audited with the reader's name.</summary>
internal sealed class ReviewExplorer(IDbContextFactory<PortalDbContext> dbFactory, IOptions<ReviewOptions> options, TimeProvider time, ReviewDirectory directory)
{
    /// <summary>The most not-checked events one query reads (their department sits in JSON and is filtered in memory).</summary>
    public const int NotCheckedScanLimit = 50_000;


    /// <summary>Validates a filter (unknown departments are refused) and turns it into UTC bounds.</summary>
    public async Task<(ResolvedFilter? Resolved, FilterProblem? Problem)> ResolveAsync(ReviewFilter filter, CancellationToken cancellationToken)
    {
        var known = filter.Department is { Length: <= 32 } code && await DepartmentExistsAsync(code, cancellationToken);
        return ReviewFilterValidator.Resolve(filter, time.GetUtcNow().UtcDateTime, options.Value, _ => known);
    }

    public async Task<ReviewPage<DecisionRow>> DecisionsAsync(ResolvedFilter filter, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Apply(OrderQueries.Decisions(db), filter);
        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id)
            .Skip(filter.Skip).Take(filter.Filter.PageSize).ToListAsync(cancellationToken);
        var ids = page.Select(d => d.Id).ToList();
        var marks = await db.ReviewMarks.AsNoTracking().Where(m => ids.Contains(m.DecisionId))
            .OrderBy(m => m.MarkedAt).ThenBy(m => m.Id).ToListAsync(cancellationToken);
        var latest = marks.GroupBy(m => m.DecisionId).ToDictionary(g => g.Key, g => g.Last().Kind);
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.decisions.list", null, $"{filter.Filter.ToQueryString(withPaging: true)} ({total})");
        await db.SaveChangesAsync(cancellationToken);
        return new ReviewPage<DecisionRow>(total, filter.Filter.Page, filter.Filter.PageSize, page.Select(d => ToRow(d, latest.GetValueOrDefault(d.Id))).ToList());
    }

    /// <summary>The decisions of a filter, oldest first, read one row at a time (exports).</summary>
    public async IAsyncEnumerable<DecisionRow> StreamDecisionsAsync(ResolvedFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Apply(OrderQueries.Decisions(db), filter).OrderBy(d => d.DecidedAt).ThenBy(d => d.Id);
        await foreach (var d in query.AsAsyncEnumerable().WithCancellation(cancellationToken)) yield return ToRow(d, null);
    }

    /// <summary>The same stream, synchronous, for writers that only take <see cref="IEnumerable{T}"/> (MiniExcel).</summary>
    public IEnumerable<DecisionRow> StreamDecisions(ResolvedFilter filter)
    {
        using var db = dbFactory.CreateDbContext();
        foreach (var d in Apply(OrderQueries.Decisions(db), filter).OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).AsEnumerable())
            yield return ToRow(d, null);
    }

    public async Task<int> CountDecisionsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Apply(OrderQueries.Decisions(db), filter).CountAsync(cancellationToken);
    }

    /// <summary>Order checks that were not checked at order time (still pending or reconciled later), newest first.</summary>
    public async Task<ReviewPage<NotCheckedRow>> NotCheckedAsync(ResolvedFilter filter, string actor, CancellationToken cancellationToken)
    {
        var rows = await NotCheckedRowsAsync(filter, cancellationToken);
        var page = rows.Skip(filter.Skip).Take(filter.Filter.PageSize).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.not-checked.list", null, $"{filter.Filter.ToQueryString(withPaging: true)} ({rows.Count})");
        await db.SaveChangesAsync(cancellationToken);
        return new ReviewPage<NotCheckedRow>(rows.Count, filter.Filter.Page, filter.Filter.PageSize, page);
    }

    /// <summary>The not-checked events of the filter as facts (the stored context is not read).</summary>
    internal async Task<List<NotCheckedFact>> NotCheckedFactsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await NotCheckedQuery(db, filter).Select(c => new NotCheckedFact(c.Id, c.CreatedAt, c.RecheckedAt, c.Status)).ToListAsync(cancellationToken);
    }

    /// <summary>Every not-checked event of the filter, with the names from its stored context.</summary>
    internal async Task<List<NotCheckedRow>> NotCheckedRowsAsync(ResolvedFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = new List<NotCheckedRow>();
        foreach (var c in await NotCheckedQuery(db, filter).ToListAsync(cancellationToken))
        {
            var context = JsonSerializer.Deserialize<LaunchContext>(c.ContextJson);
            rows.Add(new NotCheckedRow(c.Id, c.CreatedAt, c.Status, c.Reason, c.RecheckedAt, c.DepartmentCode, context?.DepartmentName ?? c.DepartmentCode,
                c.DoctorId, context?.DoctorName ?? c.DoctorId, context?.PatientId ?? "", c.Setting, c.ItemCodes.Trim(',')));
        }
        return rows;
    }

    /// <summary>The order checks of the filter (all outcomes): the not-checked share's denominator. The institution filter
    /// does not apply to checks (an order line has no producing institution).</summary>
    internal static IQueryable<OrderCheck> ApplyChecks(IQueryable<OrderCheck> q, ResolvedFilter filter)
    {
        var f = filter.Filter;
        q = q.Where(c => c.CreatedAt >= filter.FromUtc && c.CreatedAt < filter.ToUtc);
        if (f.Department is { } department) q = q.Where(c => c.DepartmentCode == department);
        if (f.Doctor is { } doctor) q = q.Where(c => c.DoctorId == doctor);
        if (f.Setting is { } setting) q = q.Where(c => c.Setting == setting);
        if (f.Item is { } item)
        {
            var code = "," + item + ",";
            q = q.Where(c => c.ItemCodes.Contains(code));
        }
        return q;
    }

    /// <summary>The checks of the filter that could not be checked at order time (still pending or reconciled later),
    /// newest first, at most <see cref="NotCheckedScanLimit"/>.</summary>
    private static IQueryable<OrderCheck> NotCheckedQuery(PortalDbContext db, ResolvedFilter filter) =>
        ApplyChecks(OrderQueries.Checks(db).Where(c => c.WasNotChecked), filter)
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Take(NotCheckedScanLimit);

    public async Task<DecisionDetail?> DetailAsync(long id, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var d = await OrderQueries.Decisions(db).SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (d is null) return null;
        var marks = await db.ReviewMarks.AsNoTracking().Where(m => m.DecisionId == id).OrderBy(m => m.MarkedAt).ThenBy(m => m.Id)
            .Select(m => new MarkRow(m.Id, m.DecisionId, m.Kind, m.Comment, m.Reviewer, m.MarkedAt, m.DepartmentCode, m.DoctorId, m.DoctorName))
            .ToListAsync(cancellationToken);
        var check = await OrderQueries.Checks(db).Where(c => c.Id == d.CheckId)
            .Select(c => new { c.CreatedAt, c.Status, c.RecheckedAt, c.WasNotChecked }).SingleOrDefaultAsync(cancellationToken);
        var retained = await OrderQueries.RetainedReports(db).Where(r => r.DecisionId == id).Select(r => (DateTime?)r.RetainedAt).FirstOrDefaultAsync(cancellationToken);
        var others = await OrderQueries.Decisions(db)
            .Where(o => o.PatientId == d.PatientId && o.ReportId == d.ReportId && o.Id != d.Id)
            .Select(o => new { o.Id, o.DecidedAt, o.Choice, o.DoctorName }).ToListAsync(cancellationToken);

        var timeline = new List<TimelineStep>();
        if (check is not null)
        {
            var originallyNotChecked = check.WasNotChecked;
            timeline.Add(new TimelineStep(check.CreatedAt, originallyNotChecked ? "not-checked" : "checked", d.Stage));
            if (check.RecheckedAt is { } re) timeline.Add(new TimelineStep(re, "rechecked", check.Status));
        }
        timeline.Add(new TimelineStep(d.PresentedAt, "presented", $"{d.ItemName} · {d.ReportInstitution}"));
        timeline.Add(new TimelineStep(d.DecidedAt, "decided", d.Choice));
        if (retained is { } at) timeline.Add(new TimelineStep(at, "retained", null));
        else if (d.RetainStatus == RetainStatuses.Retained) timeline.Add(new TimelineStep(null, "retained", null));
        else if (d.RetainStatus == RetainStatuses.Pending) timeline.Add(new TimelineStep(null, "retain-pending", null));
        timeline.AddRange(others.Select(o => new TimelineStep(o.DecidedAt, "decided-again", $"#{o.Id} {o.Choice} {o.DoctorName}")));
        timeline.AddRange(marks.Select(m => new TimelineStep(m.MarkedAt, "marked", $"{m.Kind} {m.Reviewer}")));
        timeline = timeline.OrderBy(s => s.At ?? DateTime.MaxValue).ToList();

        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, actor, "review.decision.view", $"decision/{id}", $"patient {d.PatientId} report {d.ReportId}");
        await db.SaveChangesAsync(cancellationToken);
        return new DecisionDetail(ToRow(d, marks.LastOrDefault()?.Kind), d.ReportId, d.ClientId, d.EncounterId, d.DraftOrderId, d.LineId, d.Stage, timeline, marks);
    }

    /// <summary>Departments that appear in the decisions or the critical values (for the filter lists and labels).</summary>
    public async Task<IReadOnlyList<NamedCode>> DepartmentsAsync(CancellationToken cancellationToken) =>
        (await directory.GetAsync(cancellationToken)).Departments;

    /// <summary>Doctors of one department (or all), for the filter list.</summary>
    public async Task<IReadOnlyList<NamedCode>> DoctorsAsync(string? department, CancellationToken cancellationToken)
    {
        var snapshot = await directory.GetAsync(cancellationToken);
        return department is null ? snapshot.Doctors : snapshot.DoctorsByDepartment.GetValueOrDefault(department, []);
    }

    private async Task<bool> DepartmentExistsAsync(string code, CancellationToken cancellationToken)
    {
        if ((await DepartmentsAsync(cancellationToken)).Any(d => d.Code == code)) return true;
        // Not in the cached list: ask the database (a department may have appeared since).
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exists = await OrderQueries.Decisions(db).AnyAsync(d => d.DepartmentCode == code, cancellationToken)
                     || await AlertQueries.Timelines(db).AnyAsync(a => a.DepartmentCode == code, cancellationToken);
        if (exists) directory.Invalidate(); // read the names again, behind this request
        return exists;
    }

    /// <summary>The SQL part of a filter on decisions (outcome not-checked matches no decision).</summary>
    internal static IQueryable<RecognitionDecision> Apply(IQueryable<RecognitionDecision> q, ResolvedFilter filter, bool withOutcome = true)
    {
        var f = filter.Filter;
        q = q.Where(d => d.DecidedAt >= filter.FromUtc && d.DecidedAt < filter.ToUtc);
        if (f.Department is { } dep) q = q.Where(d => d.DepartmentCode == dep);
        if (f.Doctor is { } doc) q = q.Where(d => d.DoctorId == doc);
        if (f.Setting is { } setting) q = q.Where(d => d.Setting == setting);
        if (f.Item is { } item) q = q.Where(d => d.ItemCode == item);
        if (f.Institution is { } inst) q = q.Where(d => d.ReportInstitution == inst);
        if (withOutcome && f.Outcome is { } outcome) q = q.Where(d => d.Choice == outcome);
        if (withOutcome && f.Reason is { } reason)
        {
            var token = "," + reason + ",";
            q = q.Where(d => ("," + d.ReasonCodes + ",").Contains(token));
        }
        return q;
    }

    internal static DecisionRow ToRow(RecognitionDecision d, string? latestMark) => new(
        d.Id, d.DecidedAt, d.PresentedAt, d.DepartmentCode, d.DepartmentName, d.DoctorId, d.DoctorName, d.PatientId, d.PatientName, d.Setting,
        d.ItemCode, d.ItemName, d.ReportInstitution, d.ReportDate, d.Choice,
        d.ReasonCodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), d.FreeText, d.RetainStatus, latestMark)
    {
        Channel = d.Channel,
    };

    private static List<string> ItemCodes(string linesJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(linesJson);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc.RootElement.EnumerateArray()
                    .Select(l => l.TryGetProperty("ItemCode", out var code) ? code.GetString() ?? "" : "")
                    .Where(c => c.Length > 0).Distinct().ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
