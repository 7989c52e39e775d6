using Microsoft.Extensions.Caching.Memory;
using Workstation.Reports;

namespace Workstation.Portal.Reports;

/// <summary>The report as the platform will receive it: PDF bytes, and each page as a PNG for browsers without a PDF
/// viewer (headless Chromium, many HIS embedded browsers). Input is the report model, so the upload console can preview
/// exactly what it is about to send.</summary>
internal sealed class ReportPreviewService(ReportRenderer renderer, IMemoryCache cache)
{
    /// <summary>Resolution of preview pages: sharp on a laptop screen at full width, ~150 KB a page.</summary>
    public const float PreviewDpi = 110;

    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    public ReportDocument Layout(ApprovedReport report) =>
        cache.GetOrCreate(("report-layout", report), entry =>
        {
            entry.SlidingExpiration = Keep;
            return report.Lab is { } lab ? renderer.Layout(lab) : renderer.Layout(report.Exam!);
        })!;

    public byte[] Pdf(ApprovedReport report) => Layout(report).ToPdf();

    /// <summary>Page <paramref name="pageNumber"/> (1-based) as PNG, or null when the report has no such page.</summary>
    public byte[]? PagePng(ApprovedReport report, int pageNumber)
    {
        var document = Layout(report);
        if (pageNumber < 1 || pageNumber > document.PageCount) return null;
        return cache.GetOrCreate(("report-page", report, pageNumber), entry =>
        {
            entry.SlidingExpiration = Keep;
            return document.RenderPagePng(pageNumber, PreviewDpi);
        });
    }

    public static string PdfUrl(ApprovedReport report) => $"/reports/{Uri.EscapeDataString(report.Header.ReportNumber)}.pdf";

    public static string PageUrl(ApprovedReport report, int pageNumber) =>
        $"/reports/{Uri.EscapeDataString(report.Header.ReportNumber)}/pages/{pageNumber}.png";
}
