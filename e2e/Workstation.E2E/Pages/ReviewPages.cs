using Microsoft.Playwright;

namespace Workstation.E2E.Pages;

/// <summary>The quality-review pages (page object): dashboard, explorer, decision detail.</summary>
public sealed class ReviewPages(IPage page)
{
    public ILocator ReasonChart => page.GetByTestId("reason-chart");

    public ILocator DecisionRows => page.GetByTestId("decision-table").Locator("tbody tr");

    public ILocator Total => page.GetByTestId("review-total");

    /// <summary>Chooses a department in the filter (a MudSelect: open it, click the item), waits until the select shows
    /// it, and applies the filter. On a busy machine a click on the opening list can land before the list takes clicks: the
    /// choice is made again until the select shows it, as a person would. An attempt's click waits a few seconds at most:
    /// when the previous choice takes effect meanwhile, the list closes under it (a CI run once spent its whole patience
    /// clicking an item that had gone), and the next attempt sees the select showing the department.</summary>
    public async Task FilterDepartmentAsync(string departmentName)
    {
        var select = page.GetByTestId("filter-department");
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = departmentName }).First;
        await Eventually.UntilAsync(async () =>
        {
            if (!await ShowsAsync())
            {
                try
                {
                    if (await page.Locator(".mud-popover-open .mud-list-item").CountAsync() == 0) await select.ClickAsync(new LocatorClickOptions { Timeout = AttemptTimeout });
                    await item.ClickAsync(new LocatorClickOptions { Timeout = AttemptTimeout });
                }
                catch (TimeoutException)
                {
                    // The list closed (or had not opened) under the click: look again.
                }
            }
            return await ShowsAsync();
        }, $"the department filter to show {departmentName}");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0); // the list has closed
        await page.GetByTestId("filter-apply").ClickAsync();

        Task<bool> ShowsAsync() => select.EvaluateAsync<bool>(
            "(el, name) => [...el.querySelectorAll('input')].some(i => i.value === name) || el.textContent.includes(name)", departmentName);
    }

    /// <summary>How long one attempt's click may wait before the attempt looks at the page again (not a bound on the
    /// step: <see cref="Eventually"/> gives the step its patience).</summary>
    private const float AttemptTimeout = 5_000;

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
