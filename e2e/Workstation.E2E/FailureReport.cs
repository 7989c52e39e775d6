using System.Collections.Concurrent;
using Microsoft.Playwright;
using Serilog.Core;
using Serilog.Events;

namespace Workstation.E2E;

/// <summary>The portal's warnings and errors, kept in memory so a failed browser test can say what the server saw
/// while it ran (the console output of a whole layer interleaves every test's lines).</summary>
public sealed class PortalLog : ILogEventSink
{
    private const int Capacity = 500;
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level < LogEventLevel.Warning) return;
        _events.Enqueue(logEvent);
        while (_events.Count > Capacity && _events.TryDequeue(out _)) { }
    }

    /// <summary>One line per event since <paramref name="since"/>: time, level, source, message, the exception's first line.</summary>
    public IEnumerable<string> Since(DateTimeOffset since) => _events.Where(e => e.Timestamp >= since).Select(e =>
    {
        var source = e.Properties.TryGetValue("SourceContext", out var s) ? s.ToString().Trim('"') : "";
        var message = e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        var exception = e.Exception is null ? "" : $" [{e.Exception.GetType().Name}: {FirstLine(e.Exception.Message)}]";
        return $"{e.Timestamp:HH:mm:ss.fff} {e.Level.ToString()[..3].ToUpperInvariant()} {source}: {Clip(message)}{exception}";
    });

    internal static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    internal static string Clip(string text, int max = 300) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>What the browser said during one test (console errors and warnings, page errors, failed requests, closed
/// WebSockets — a Blazor circuit that drops shows here), and the pages it opened: on a failure the test's output gets
/// these, the portal's warnings, and a screenshot of every page the test left open, so a failure on a CI machine can be
/// understood from its report.</summary>
public sealed class BrowserTrace
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly List<IBrowserContext> _contexts = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;

    public void Watch(IBrowserContext context)
    {
        lock (_contexts) _contexts.Add(context);
        context.Page += (_, page) => Watch(page);
    }

    private void Watch(IPage page)
    {
        var tab = $"page {page.GetHashCode():x}";
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning") Add($"{tab} console.{m.Type}: {m.Text}");
        };
        page.PageError += (_, error) => Add($"{tab} page error: {error}");
        page.RequestFailed += (_, r) => Add($"{tab} request failed: {r.Method} {r.Url} ({r.Failure})");
        page.WebSocket += (_, socket) => socket.Close += (_, _) => Add($"{tab} websocket closed: {socket.Url}");
        page.FrameNavigated += (_, frame) => Add($"{tab} navigated{(frame.ParentFrame is null ? "" : " (frame)")}: {frame.Url}");
    }

    private void Add(string text)
    {
        _events.Enqueue($"{DateTimeOffset.Now:HH:mm:ss.fff} {PortalLog.Clip(text)}");
        while (_events.Count > 200 && _events.TryDequeue(out _)) { }
    }

    /// <summary>When the test failed: screenshots of its open pages (FAILED-…png beside the others) and its output gets
    /// the browser's and the portal's side. Then the test's browser contexts are closed, passed or failed.</summary>
    public async Task FinishAsync(PortalLog? portalLog)
    {
        List<IBrowserContext> contexts;
        lock (_contexts) contexts = [.. _contexts];
        var context = TestContext.Current;
        if (context.TestState?.Result == TestResult.Failed && context.TestOutputHelper is { } output)
        {
            var name = context.TestMethod?.MethodName ?? "test";
            var shot = 0;
            foreach (var page in contexts.SelectMany(c => c.Pages))
            {
                var path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"FAILED-{name}-{++shot}.png");
                try
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Timeout = 10_000 });
                    output.WriteLine($"screenshot: {path}");
                }
                catch (PlaywrightException ex)
                {
                    output.WriteLine($"screenshot of page {shot} failed: {PortalLog.FirstLine(ex.Message)}");
                }
            }
            Write(output, "browser, last events:", _events.TakeLast(25).ToList());
            if (portalLog is not null) Write(output, "portal warnings and errors during the test:", portalLog.Since(StartedAt).TakeLast(25).ToList());
        }
        foreach (var c in contexts)
        {
            try { await c.CloseAsync(); }
            catch (PlaywrightException) { }
        }
    }

    private static void Write(ITestOutputHelper output, string title, IReadOnlyList<string> lines)
    {
        output.WriteLine(lines.Count == 0 ? title + " none" : title);
        foreach (var line in lines) output.WriteLine("  " + line);
    }
}
