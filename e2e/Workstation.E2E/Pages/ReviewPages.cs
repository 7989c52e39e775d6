using Microsoft.Playwright;

namespace Workstation.E2E.Pages;

/// <summary>The quality-review pages (page object): dashboard, explorer, decision detail.</summary>
public sealed class ReviewPages(IPage page)
{
    public ILocator ReasonChart => page.GetByTestId("reason-chart");

    public ILocator DecisionRows => page.GetByTestId("decision-table").Locator("tbody tr");

    public ILocator Total => page.GetByTestId("review-total");

    /// <summary>Chooses a department in the filter (a MudSelect: open it, click the item) and applies the filter.</summary>
    public async Task FilterDepartmentAsync(string departmentName)
    {
        await page.GetByTestId("filter-department").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = departmentName }).First.ClickAsync();
        await page.GetByTestId("filter-apply").ClickAsync();
    }

    public ILocator ReasonBars => ReasonChart.Locator("svg path.mud-chart-bar");

    /// <summary>Clicks the bar of the given (0-based) reason in the decline-reason chart. A bar is drawn as a wide stroke
    /// on a zero-width path, which Playwright reports as hidden: the click is forced at the bar's centre.</summary>
    public Task ClickReasonBarAsync(int index) => ReasonBars.Nth(index).ClickAsync(new LocatorClickOptions { Force = true });

    public Task OpenFirstDecisionAsync() => page.GetByTestId("decision-link").First.ClickAsync();

    public async Task MarkAsync(string kind, string comment)
    {
        await page.GetByTestId($"mark-{kind}").ClickAsync();
        await page.Locator("[data-testid=mark-comment] textarea, textarea[data-testid=mark-comment]").First.FillAsync(comment);
        await page.GetByTestId("mark-save").ClickAsync();
    }

    public Task<IDownload> ExportXlsxAsync() => page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-xlsx").ClickAsync());
}
