using System.Diagnostics;
using Workstation.Reports;

namespace Workstation.Bench;

/// <summary>Render time of one lab report, from the report model to PDF bytes (layout, font subset, PDF), and of one
/// preview page to PNG; single-threaded, after a warm-up.</summary>
public static class ReportBench
{
    public static void Run(int renders)
    {
        using var font = ReportFont.Load();
        var renderer = new ReportRenderer(font);
        Console.WriteLine();
        Console.WriteLine($"Report rendering ({renders} renders per series after 20 warm-up, one thread, font {font.Path}):");
        foreach (var (rows, report) in new[] { (10, SampleReports.BloodCount()), (60, SampleReports.Panel(60)) })
        {
            var pdf = Measure(renders, () => renderer.RenderPdf(report), out var bytes);
            var pages = renderer.Layout(report).PageCount;
            var png = Measure(renders, () => renderer.Layout(report).RenderPagePng(1, 110), out var pngBytes);
            Console.WriteLine($"  lab report, {rows} rows ({pages} page{(pages > 1 ? "s" : "")}, PDF {bytes / 1024.0:F0} KiB): " +
                              $"PDF p50 {pdf.P50:F1} / p95 {pdf.P95:F1} / p99 {pdf.P99:F1} ms; " +
                              $"page 1 PNG at 110 dpi ({pngBytes / 1024.0:F0} KiB) p50 {png.P50:F1} / p95 {png.P95:F1} / p99 {png.P99:F1} ms");
        }
    }

    private static Percentiles Measure(int renders, Func<byte[]> render, out int lastLength)
    {
        lastLength = 0;
        for (var i = 0; i < 20; i++) lastLength = render().Length;
        var times = new List<double>(renders);
        for (var i = 0; i < renders; i++)
        {
            var start = Stopwatch.GetTimestamp();
            lastLength = render().Length;
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Percentiles.Of(times, 0);
    }
}
