using Workstation.Portal.Demo;
using Workstation.Portal.Audit;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MiniExcelLibs;
using Workstation.E2E.Pages;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;

namespace Workstation.E2E;

/// <summary>The portal with a generated history (fixed seed) for the quality-review pages.</summary>
public sealed class ReviewBrowserFixture : BrowserFixture
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Server.Factory.Services.GetRequiredService<ReviewDemoGenerator>().GenerateAsync(3000, seed: 12, CancellationToken.None);
    }
}

public sealed class ReviewTests(ReviewBrowserFixture browser) : IClassFixture<ReviewBrowserFixture>, IAsyncDisposable
{
    /// <summary>A failed test's report gets screenshots and what the browser and the portal logged.</summary>
    public ValueTask DisposeAsync() => browser.AfterTestAsync();

    [Fact]
    public async Task A_quality_officer_filters_a_department_drills_from_the_reason_chart_marks_a_decision_and_exports_xlsx()
    {
        var page = await browser.NewPageAsync(1400, 1000);
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        var review = new ReviewPages(page);
        var since = DateTime.UtcNow;
        await portal.SignInAsync("qc", PortalServer.Password, "review");
        await portal.WaitInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("fig-goal10")).ToContainTextAsync("%");

        await review.FilterDepartmentAsync("心血管内科");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("department=XNK"));
        // The first view was prerendered then made interactive: computed and audited once, not twice.
        var views = await SummaryViewsAsync(since, until: v => v.Any(d => d.Contains("department=XNK")));
        Assert.Single(views, d => !d.Contains("department=XNK"));
        await Assertions.Expect(review.ReasonBars).Not.ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "review-dashboard-zh");

        await review.ClickReasonBarAsync(0); // 病情变化
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/review/decisions.*department=XNK.*reason=CONDITION_CHANGED"));
        await Assertions.Expect(review.DecisionRows.First).ToContainTextAsync("病情变化");
        Assert.All(await review.DecisionRows.AllInnerTextsAsync(), row =>
        {
            Assert.Contains("心血管内科", row);
            Assert.Contains("不互认", row);
        });
        await BrowserFixture.ScreenshotAsync(page, "review-explorer-zh");

        await review.OpenFirstDecisionAsync();
        await Assertions.Expect(page.GetByTestId("review-timeline")).ToContainTextAsync("医生决定");
        await review.MarkAsync("questionable", "复查理由不充分，请科室反馈");
        await Assertions.Expect(page.GetByTestId("review-mark").First).ToContainTextAsync("存疑");
        await Assertions.Expect(page.GetByTestId("review-timeline")).ToContainTextAsync("质控评价");
        await BrowserFixture.ScreenshotAsync(page, "review-detail-zh");
        await page.ReloadAsync(); // prerendered, then interactive from the state handed over
        await portal.WaitInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("review-mark").First).ToContainTextAsync("复查理由不充分");

        await page.GoBackAsync();
        await Assertions.Expect(review.DecisionRows.First).ToContainTextAsync("存疑");
        var download = await review.ExportXlsxAsync();
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".xlsx");
        await download.SaveAsAsync(path);
        var rows = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        File.Delete(path);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("心血管内科", r["科室"]));
        Assert.All(rows, r => Assert.Contains("病情变化", (string?)r["不互认原因"]));
        var total = await review.Total.InnerTextAsync();
        Assert.Contains(rows.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), total);

        await portal.ChooseEnglishAsync();
        await Assertions.Expect(review.Total).ToContainTextAsync("in total");
        await BrowserFixture.ScreenshotAsync(page, "review-explorer-en");
        await page.GotoAsync(new Uri(browser.Server.PortalUrl, "review?department=XNK").ToString());
        await Assertions.Expect(page.GetByTestId("fig-goal10")).ToContainTextAsync("Recognition rate");
        await Assertions.Expect(review.ReasonBars).Not.ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "review-dashboard-en");
    }

    [Fact]
    public async Task The_dashboard_gives_goal_10_by_the_national_definition_marks_the_approximate_period_and_critical_values_have_one_page()
    {
        await browser.Server.Factory.Services.GetRequiredService<ReviewPrecomputer>().PrecomputeAsync(CancellationToken.None);
        var page = await browser.NewPageAsync(1400, 1100);
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        await portal.SignInAsync("qc", PortalServer.Password, "review");

        // The default 90 days: listings were stored all along, the national definition printed beside the figure.
        var goal = page.GetByTestId("fig-goal10");
        await Assertions.Expect(goal).ToContainTextAsync("%");
        await Assertions.Expect(goal).ToContainTextAsync("分母：本期内平台列出的");
        await Assertions.Expect(page.GetByTestId("goal10-exact")).ToContainTextAsync("按国家口径计算");
        await Assertions.Expect(page.GetByTestId("goal10-approximate")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("review-computed")).ToContainTextAsync("预计算");

        // A year: the months before listings were stored keep the approximation, and the page says until when.
        var local = DateTime.UtcNow.AddHours(8);
        await page.GotoAsync(new Uri(browser.Server.PortalUrl, $"review?from={local.AddDays(-364):yyyy-MM-dd}&to={local:yyyy-MM-dd}").ToString());
        await portal.WaitInteractiveAsync();
        var approximate = page.GetByTestId("goal10-approximate");
        await Assertions.Expect(approximate).ToContainTextAsync("含近似口径");
        await Assertions.Expect(approximate).ToContainTextAsync(local.AddDays(-300).ToString("yyyy-MM"));
        await Assertions.Expect(page.GetByTestId("fig-critical")).ToContainTextAsync("CL-14");
        await BrowserFixture.ScreenshotAsync(page, "review-goal10-year-zh");

        // The one critical-value page: CL-14 / CL-15, filters, steps.
        await page.GotoAsync(new Uri(browser.Server.PortalUrl, $"review/alerts?from={local.AddDays(-364):yyyy-MM-dd}&tier=critical").ToString());
        await portal.WaitInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("fig-cl15")).ToContainTextAsync("%");
        await Assertions.Expect(page.GetByTestId("fig-cl14")).ToContainTextAsync("个标本");
        var rows = page.GetByTestId("alert-review-table").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync("危急");
        Assert.All(await rows.AllInnerTextsAsync(), row => Assert.DoesNotContain("重要", row));
        await Assertions.Expect(rows.First.Locator("li[data-kind=routed]")).ToHaveCountAsync(1);
        var all = await page.GetByTestId("review-total").InnerTextAsync();
        await page.GetByTestId("alerts-late").CheckAsync(); // MudSwitch puts the test id on its input
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("late=true"));
        await Assertions.Expect(page.GetByTestId("review-total")).Not.ToHaveTextAsync(all);
        await BrowserFixture.ScreenshotAsync(page, "review-critical-values-zh");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the critical-value page");

        await portal.ChooseEnglishAsync();
        await Assertions.Expect(page.GetByTestId("fig-cl15")).ToContainTextAsync("received in time");
        await BrowserFixture.ScreenshotAsync(page, "review-critical-values-en");
        await page.GotoAsync(new Uri(browser.Server.PortalUrl, $"review?from={local.AddDays(-364):yyyy-MM-dd}&to={local:yyyy-MM-dd}").ToString());
        await Assertions.Expect(page.GetByTestId("goal10-approximate")).ToContainTextAsync("Partly approximate");
        await BrowserFixture.ScreenshotAsync(page, "review-goal10-year-en");
    }

    /// <summary>The details of the dashboard views audited for qc since <paramref name="since"/>, once <paramref name="until"/> holds.</summary>
    private async Task<List<string>> SummaryViewsAsync(DateTime since, Func<List<string>, bool> until)
    {
        var factory = browser.Server.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var views = new List<string>();
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            views = await db.AuditEvents.Where(a => a.Action == "review.summary.view" && a.Actor == "qc" && a.At >= since).Select(a => a.Detail ?? "").ToListAsync();
            return until(views);
        }, "the dashboard views to be audited");
        return views;
    }
}
