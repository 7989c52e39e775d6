using System.Text.Json;
using Microsoft.Playwright;

namespace Workstation.E2E;

/// <summary>axe-core (WCAG 2 A/AA rules) run inside a page or a frame of the portal; any serious or critical violation
/// fails the test, with what axe says and where.</summary>
public static class Accessibility
{
    private static readonly Lazy<string> AxeSource = new(() =>
    {
        var path = Path.Combine(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "tools", "node", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path)) throw new InvalidOperationException($"axe-core not found at {path}: run ./test.sh (it runs npm ci in tools/node).");
        return File.ReadAllText(path);
    });

    public static Task AssertNoSeriousViolationsAsync(IPage page, string what) => AssertNoSeriousViolationsAsync(page.MainFrame, what);

    /// <summary>The frame of an iframe element of the HIS page (the portal panel, or the decision overlay).</summary>
    public static async Task<IFrame> FrameAsync(IPage page, string iframeSelector) =>
        await (await page.Locator(iframeSelector).ElementHandleAsync()).ContentFrameAsync()
        ?? throw new InvalidOperationException($"{iframeSelector} has no frame");

    public static async Task AssertNoSeriousViolationsAsync(IFrame frame, string what)
    {
        // A staff page's <title> comes from the interactive HeadOutlet. Twice, on a busy machine (CI with a benchmark
        // beside it, the health card admin page), axe found it empty although the wait below had seen it set: most likely
        // the moment the circuit's interactive head replaces the prerendered one. So: check once the page has a title,
        // and when axe finds none, wait for one and check again; a page that never gets one still fails.
        await TitleAsync(frame);
        var json = await RunAxeAsync(frame);
        if (json.Contains("\"document-title\"", StringComparison.Ordinal))
        {
            await TitleAsync(frame);
            json = await RunAxeAsync(frame);
        }
        var violations = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        Assert.True(violations.Count == 0, $"axe-core found serious/critical WCAG 2 AA violations on {what}:\n" +
            string.Join("\n", violations.Select(v => $"- {v.GetProperty("id")} ({v.GetProperty("impact")}): {v.GetProperty("help")}\n    " +
                string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())))));
    }

    private static async Task TitleAsync(IFrame frame)
    {
        try
        {
            await frame.WaitForFunctionAsync("() => document.title.trim().length > 0");
        }
        catch (TimeoutException)
        {
            // axe reports it
        }
    }

    private static async Task<string> RunAxeAsync(IFrame frame)
    {
        // Evaluated through the DevTools protocol, so the portal's CSP (no inline scripts) does not apply.
        if (!await frame.EvaluateAsync<bool>("() => typeof window.axe === 'object'")) await frame.EvaluateAsync(AxeSource.Value);
        return await frame.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                             nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')) })));
            }
            """);
    }
}
