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

public sealed class ReviewTests(ReviewBrowserFixture browser) : IClassFixture<ReviewBrowserFixture>
{
    [Fact]
    public async Task A_quality_officer_filters_a_department_drills_from_the_reason_chart_marks_a_decision_and_exports_xlsx()
    {
        var page = await browser.NewPageAsync(1400, 1000);
        var portal = new PortalPages(page, browser.Server.PortalUrl);
        var review = new ReviewPages(page);
        await portal.SignInAsync("qc", PortalServer.Password, "review");
        await portal.WaitInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("fig-goal10")).ToContainTextAsync("%");

        await review.FilterDepartmentAsync("心血管内科");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("department=XNK"));
        // The first view was prerendered then made interactive: computed and audited once, not twice.
        var views = await SummaryViewsAsync(until: v => v.Any(d => d.Contains("department=XNK")));
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

    /// <summary>The details of the dashboard views audited for qc, once <paramref name="until"/> holds.</summary>
    private async Task<List<string>> SummaryViewsAsync(Func<List<string>, bool> until)
    {
        var factory = browser.Server.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var views = new List<string>();
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            views = await db.AuditEvents.Where(a => a.Action == "review.summary.view" && a.Actor == "qc").Select(a => a.Detail ?? "").ToListAsync();
            return until(views);
        }, "the dashboard views to be audited");
        return views;
    }
}
