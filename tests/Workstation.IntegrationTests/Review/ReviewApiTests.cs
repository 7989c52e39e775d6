using Workstation.Portal.Orders;
using Workstation.Portal.Audit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Workstation.IntegrationTests.Doctor;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Review;

namespace Workstation.IntegrationTests.Review;

public sealed class ReviewApiTests(ReviewFixture fixture) : IClassFixture<ReviewFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string June = "from=2026-06-01&to=2026-06-30&department=" + ReviewFixture.Department;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<ReviewPage<DecisionRow>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/review/decisions?" + query, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReviewPage<DecisionRow>>(Json, Ct))!;
    }

    [Fact]
    public async Task Each_filter_narrows_the_decisions_to_the_hand_counted_rows()
    {
        var qc = await fixture.SignedInAsync("qc");

        Assert.Equal(5, (await ListAsync(qc, June)).Total);
        Assert.Equal(2, (await ListAsync(qc, June + "&outcome=decline")).Total);
        Assert.Equal(3, (await ListAsync(qc, June + "&outcome=recognise")).Total);
        Assert.Equal([fixture.Known[2]], (await ListAsync(qc, June + "&reason=OTHER")).Items.Select(d => d.Id));
        Assert.Equal(3, (await ListAsync(qc, June + "&doctor=QD2")).Total);
        Assert.Equal(2, (await ListAsync(qc, June + "&setting=inpatient")).Total);
        Assert.Equal(3, (await ListAsync(qc, June + "&item=L001")).Total);
        Assert.Equal(1, (await ListAsync(qc, June + "&institution=" + Uri.EscapeDataString("惠州市第一人民医院"))).Total);
        Assert.Equal(2, (await ListAsync(qc, "from=2026-06-02&to=2026-06-03&department=" + ReviewFixture.Department)).Total);
        var declined = (await ListAsync(qc, June + "&outcome=decline")).Items;
        Assert.All(declined, d => Assert.Equal("decline", d.Outcome));
        Assert.Equal(["CONDITION_CHANGED"], declined[0].Reasons); // newest first: day 4 before day 3
    }

    [Fact]
    public async Task Pages_are_bounded_newest_first_and_never_overlap()
    {
        var qc = await fixture.SignedInAsync("qc");

        var pages = new List<ReviewPage<DecisionRow>>();
        for (var page = 1; page <= 3; page++) pages.Add(await ListAsync(qc, June + $"&pageSize=2&page={page}"));

        Assert.All(pages, p => Assert.Equal(5, p.Total));
        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(fixture.Known.Reverse(), pages.SelectMany(p => p.Items).Select(d => d.Id));
        var all = await ListAsync(qc, "from=2025-12-01&to=2026-11-30&pageSize=200");
        Assert.Equal(200, all.Items.Count);
        Assert.True(all.Total > 200);
    }

    [Theory]
    [InlineData("from=2026-06-30&to=2026-06-01", "before the start date")]
    [InlineData("department=NO-SUCH-DEPT", "No department with code 'NO-SUCH-DEPT'")]
    [InlineData("from=2016-01-01&to=2026-01-01", "at most 731 days")]
    [InlineData("pageSize=1000000", "pageSize must be between 1 and 200")]
    [InlineData("from=last-week", "yyyy-MM-dd")]
    [InlineData("outcome=maybe", "outcome must be one of")]
    public async Task Bad_input_is_a_400_problem_with_a_plain_message(string query, string message)
    {
        var qc = await fixture.SignedInAsync("qc");

        foreach (var path in new[] { "/api/v1/review/decisions?", "/api/v1/review/summary?", "/api/v1/review/export?format=csv&" })
        {
            var response = await qc.GetAsync(path + query, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    [Fact]
    public async Task An_export_of_nothing_is_refused_plainly()
    {
        var qc = await fixture.SignedInAsync("qc");

        var response = await qc.GetAsync("/api/v1/review/export?format=xlsx&from=2026-05-01&to=2026-05-31&department=" + ReviewFixture.Department, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nothing to export", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Csv_and_xlsx_exports_read_back_to_the_same_rows_with_chinese_headers_and_are_audited()
    {
        var qc = await fixture.SignedInAsync("qc");
        var expected = (await ListAsync(qc, June)).Items.OrderBy(d => d.Id).ToList();

        var csvResponse = await qc.GetAsync("/api/v1/review/export?format=csv&" + June, Ct);
        var xlsxResponse = await qc.GetAsync("/api/v1/review/export?format=xlsx&" + June, Ct);

        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", csvResponse.Content.Headers.ContentDisposition?.FileName);
        using var reader = new StreamReader(await csvResponse.Content.ReadAsStreamAsync(Ct));
        using var csv = new CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
        var csvRows = csv.GetRecords<DecisionExportRow>().ToList();
        Assert.Equal(expected.Select(d => d.Id), csvRows.Select(r => r.Id));
        Assert.Equal(["互认", "互认", "不互认", "不互认", "互认"], csvRows.Select(r => r.Outcome));
        Assert.Equal("其他", csvRows[2].Reasons);
        Assert.Equal("患者坚持复查", csvRows[2].FreeText);
        Assert.Equal("2026-06-01 10:00:00", csvRows[0].DecidedAt);

        Assert.Equal(HttpStatusCode.OK, xlsxResponse.StatusCode);
        await using var xlsx = new MemoryStream(await xlsxResponse.Content.ReadAsByteArrayAsync(Ct));
        var sheet = xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(expected.Select(d => d.Id), sheet.Select(r => Convert.ToInt64(r["编号"])));
        Assert.Equal(csvRows.Select(r => r.Doctor), sheet.Select(r => (string?)r["医生"]));
        Assert.Equal(csvRows.Select(r => r.Outcome), sheet.Select(r => (string?)r["结果"]));
        Assert.Equal(csvRows.Select(r => r.Item), sheet.Select(r => (string?)r["项目"]));

        await using var db = await fixture.DbAsync();
        var exports = await db.AuditEvents.Where(a => a.Action == "review.export" && a.Actor == "qc").ToListAsync(Ct);
        Assert.Contains(exports, a => a.Subject == "decisions.csv" && a.Detail!.Contains("(5 rows)"));
        Assert.Contains(exports, a => a.Subject == "decisions.xlsx" && a.Detail!.Contains("department=QA1"));
    }

    [Fact]
    public async Task The_monthly_summary_exports_one_row_per_month()
    {
        var admin = await fixture.SignedInAsync("admin");

        var response = await admin.GetAsync("/api/v1/review/export?what=monthly&format=xlsx&" + June, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync(Ct));
        var month = Assert.Single(xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>());
        Assert.Equal("2026-06", month["月份"]);
        Assert.Equal(5, Convert.ToInt32(month["决定数"]));
        Assert.Equal("60.0%", month["弹窗互认率"]);
    }

    [Fact]
    public async Task The_summary_gives_the_hand_counted_rates_of_a_department()
    {
        var qc = await fixture.SignedInAsync("qc");

        var summary = (await qc.GetFromJsonAsync<ReviewSummary>("/api/v1/review/summary?" + June, Json, Ct))!;

        Assert.Equal(5, summary.Decisions);
        Assert.Equal(new Ratio(3, 5), summary.DialogRate);
        Assert.Equal(new Ratio(3, 5), summary.RecognitionRate); // five distinct patient-report pairs, all valid
        Assert.Equal(1, summary.DeclinesByReason.Single(r => r.Key == "OTHER").Count);
        Assert.Equal(1, summary.DeclinesByReason.Single(r => r.Key == "CONDITION_CHANGED").Count);
        Assert.Equal(new Ratio(2, 3), summary.DeclineRateByDoctor.Single(d => d.Key == "QD2").Rate);
        var catalogue = Workstation.Platform.Catalogue.RecognitionItemCatalogue.LoadDefault();
        Assert.Equal(2 * catalogue.Find("L001")!.Price + catalogue.Find("E001")!.Price, summary.CostAvoided); // recognised: 2 × L001, 1 × E001
        Assert.Equal(new Ratio(1, 2), summary.NotCheckedShare); // QA1's two order checks, one not checked: the share follows the filter
        Assert.Null(summary.ApproximateUntil);                  // June: listings were stored by then
    }

    [Fact]
    public async Task A_review_mark_is_added_audited_and_listed_per_doctor_and_the_decision_does_not_change()
    {
        var qc = await fixture.SignedInAsync("qc");
        var id = fixture.Known[3];
        await using var before = await fixture.DbAsync();
        var original = await before.Decisions.AsNoTracking().SingleAsync(d => d.Id == id, Ct);

        var mark = await qc.PostAsJsonAsync($"/api/v1/review/decisions/{id}/marks", new { kind = "questionable", comment = "病情变化依据不足" }, Ct);
        var bad = await qc.PostAsJsonAsync($"/api/v1/review/decisions/{id}/marks", new { kind = "wrong" }, Ct);
        var missing = await qc.PostAsJsonAsync("/api/v1/review/decisions/999999999/marks", new { kind = "appropriate" }, Ct);
        var detail = (await qc.GetFromJsonAsync<DecisionDetail>($"/api/v1/review/decisions/{id}", Json, Ct))!;
        var tallies = (await qc.GetFromJsonAsync<List<MarkTally>>("/api/v1/review/marks?department=QA1", Json, Ct))!;

        Assert.Equal(HttpStatusCode.Created, mark.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("questionable", Assert.Single(detail.Marks).Kind);
        Assert.Equal(["presented", "decided", "marked"], detail.Timeline.Select(s => s.Kind));
        Assert.Contains(tallies, t => t.DoctorId == "QD2" && t.Questionable == 1);
        await using var after = await fixture.DbAsync();
        var unchanged = await after.Decisions.AsNoTracking().SingleAsync(d => d.Id == id, Ct);
        Assert.Equivalent(original, unchanged);
        Assert.True(await after.AuditEvents.AnyAsync(a => a.Action == "review.mark" && a.Subject == $"decision/{id}" && a.Actor == "qc", Ct));
        Assert.True(await after.AuditEvents.AnyAsync(a => a.Action == "review.decision.view" && a.Subject == $"decision/{id}", Ct));
    }

    [Fact]
    public async Task The_audit_trail_lists_sign_ins_views_and_exports_and_refuses_edits_and_deletes()
    {
        var admin = await fixture.SignedInAsync("admin");
        await admin.GetAsync("/api/v1/review/decisions?" + June, Ct);

        var page = (await admin.GetFromJsonAsync<ReviewPage<AuditRow>>("/api/v1/review/audit?actor=admin&pageSize=200", Json, Ct))!;
        var logins = (await admin.GetFromJsonAsync<ReviewPage<AuditRow>>("/api/v1/review/audit?action=account.login", Json, Ct))!;
        var bad = await admin.GetAsync("/api/v1/review/audit?pageSize=500", Ct);
        var decided = (await admin.GetFromJsonAsync<ReviewPage<AuditRow>>("/api/v1/review/audit?from=2026-06-01&to=2026-06-30&actor=QD2&action=decision.decline", Json, Ct))!;

        Assert.Contains(page.Items, a => a.Action == "review.decisions.list");
        Assert.Contains(page.Items, a => a.Action == "account.login");
        Assert.All(logins.Items, a => Assert.StartsWith("account.login", a.Action));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(2, decided.Total); // who decided what: QD2's two declines of June
        Assert.All(decided.Items, a => Assert.Equal("decision", a.Source));
        Assert.Equal([$"decision/{fixture.Known[3]}", $"decision/{fixture.Known[2]}"], decided.Items.Select(a => a.Subject));

        await using var db = await fixture.DbAsync();
        var entry = await db.AuditEvents.OrderBy(a => a.Id).FirstAsync(Ct);
        entry.Detail = "rewritten";
        Assert.Throws<AuditTrailViolationException>(() => db.SaveChanges());
        db.ChangeTracker.Clear();
        db.AuditEvents.Remove(entry);
        await Assert.ThrowsAsync<AuditTrailViolationException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        // Bulk statements bypass SaveChanges: the database triggers refuse them.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.AuditEvents.Where(a => a.Id == entry.Id).ExecuteDeleteAsync(Ct));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            db.AuditEvents.Where(a => a.Id == entry.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Detail, "rewritten"), Ct));
        await using var check = await fixture.DbAsync();
        Assert.NotEqual("rewritten", (await check.AuditEvents.SingleAsync(a => a.Id == entry.Id, Ct)).Detail);
        var methods = (await admin.GetStringAsync("/openapi/v1.json", Ct));
        using var openapi = JsonDocument.Parse(methods);
        var audit = openapi.RootElement.GetProperty("paths").GetProperty("/api/v1/review/audit");
        Assert.Equal(["get"], audit.EnumerateObject().Select(p => p.Name).Where(n => n is "get" or "put" or "patch" or "delete" or "post"));
    }

    [Fact]
    public async Task Lab_staff_anonymous_callers_and_doctor_launch_sessions_cannot_reach_the_review_api_or_pages()
    {
        var lab = await fixture.SignedInAsync("lab");
        var anonymous = fixture.Client();
        var his = fixture.Client();
        his.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var launch = await his.PostAsJsonAsync("/api/v1/launch", new { context = LaunchTests.Zhang("E-REVIEW-ROLE") }, Ct);
        var url = new Uri((await launch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("url").GetString()!).PathAndQuery;
        var doctor = fixture.Client();
        var session = (await doctor.GetAsync(url, Ct)).Headers.Location!.OriginalString; // /embed?s=...
        var token = session[(session.IndexOf("s=", StringComparison.Ordinal) + 2)..];

        Assert.Equal(HttpStatusCode.Forbidden, (await lab.GetAsync("/api/v1/review/decisions", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lab.GetAsync("/api/v1/review/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/review/summary", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await doctor.GetAsync("/api/v1/review/decisions?s=" + token, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await his.GetAsync("/api/v1/review/decisions", Ct)).StatusCode);
        foreach (var page in new[] { "/review", "/review/decisions", "/review/audit", "/review/alerts" })
        {
            var denied = await lab.GetAsync(page, Ct);
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.StartsWith("/account/denied", denied.Headers.Location!.PathAndQuery);
            var asDoctor = await doctor.GetAsync(page + "?s=" + token, Ct);
            Assert.Equal(HttpStatusCode.Redirect, asDoctor.StatusCode);
            Assert.StartsWith("/account/login", asDoctor.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task Quality_officers_see_the_dashboard_explorer_detail_and_audit_pages_and_bad_input_is_a_plain_message()
    {
        var qc = await fixture.SignedInAsync("qc");

        var dashboard = WebUtility.HtmlDecode(await qc.GetStringAsync("/review?" + June, Ct));
        var explorer = WebUtility.HtmlDecode(await qc.GetStringAsync("/review/decisions?" + June + "&outcome=decline", Ct));
        var detail = WebUtility.HtmlDecode(await qc.GetStringAsync($"/review/decisions/{fixture.Known[2]}", Ct));
        var audit = WebUtility.HtmlDecode(await qc.GetStringAsync("/review/audit", Ct));
        var bad = WebUtility.HtmlDecode(await qc.GetStringAsync("/review/decisions?from=2026-06-30&to=2026-06-01", Ct));
        var yearAgo = DateTime.UtcNow.AddHours(8).AddDays(-365).ToString("yyyy-MM-dd");
        var late = WebUtility.HtmlDecode(await qc.GetStringAsync($"/review/alerts?from={yearAgo}&late=true", Ct));
        var all = WebUtility.HtmlDecode(await qc.GetStringAsync($"/review/alerts?from={yearAgo}", Ct));

        Assert.Contains("60.0%", dashboard);      // dialog measure 3 / 5
        Assert.Contains("3 / 5", dashboard);
        Assert.Contains("分子：", dashboard);      // the definition printed beside the figure
        Assert.Contains("reason=OTHER", dashboard); // the reason figures link to their decisions
        Assert.Contains("共 2 条", explorer);
        Assert.Contains("孙医生", explorer);
        Assert.DoesNotContain("钱医生", explorer);
        Assert.Contains("时间线", detail);
        Assert.Contains("患者坚持复查", detail);
        Assert.Contains("account.login", audit);
        Assert.Contains("结束日期早于开始日期", bad);
        Assert.Contains("(CL-14)", late);
        Assert.Contains("血钾", all);
        Assert.True(Total(late) < Total(all)); // late only: the complement of "notified in time"
    }

    private static int Total(string html) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(html, "共 ([0-9,]+) 条").Groups[1].Value.Replace(",", ""));

    [Fact]
    public async Task The_generator_spreads_history_over_twenty_departments_with_not_checked_events_and_critical_values()
    {
        var qc = await fixture.SignedInAsync("qc");
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
        var yearAgo = DateTime.UtcNow.AddHours(8).AddDays(-366).ToString("yyyy-MM-dd");

        var summary = (await qc.GetFromJsonAsync<ReviewSummary>($"/api/v1/review/summary?from={yearAgo}&to={today}", Json, Ct))!;

        Assert.Equal(600 + fixture.Known.Count, summary.Decisions);
        Assert.Equal(20 + 1, summary.DeclineRateByDepartment.Count); // 20 generated departments and QA1
        Assert.True(summary.NotChecked > 0);
        Assert.NotNull(summary.NotCheckedShare);
        Assert.True(summary.CriticalValues.Alerts > 0);
        Assert.True(summary.Monthly.Count >= 12);
        Assert.InRange(summary.DialogRate.Value!.Value, 0.5, 0.95);
    }
}
