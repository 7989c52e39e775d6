using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Workstation.Portal.Reports;

/// <summary>Lab staff check a report as the platform will receive it: its pages as images (no PDF viewer needed) and
/// the PDF itself.</summary>
public partial class ReportPreviewPage
{
    private int _page = 1;
    private int _pageCount = 1;

    [Inject] private IApprovedReports Approved { get; set; } = null!;

    [Inject] private ReportPreviewService Preview { get; set; } = null!;

    private IReadOnlyList<ApprovedReport> Reports { get; set; } = [];

    private ApprovedReport? Selected { get; set; }

    protected override void OnInitialized()
    {
        Reports = Approved.List();
        Select(Reports.FirstOrDefault()?.Header.ReportNumber);
    }

    private void Select(string? reportNumber)
    {
        Selected = reportNumber is null ? null : Approved.Find(reportNumber);
        _page = 1;
        _pageCount = Selected is null ? 0 : Preview.Layout(Selected).PageCount;
    }

    private void Turn(int by) => _page = Math.Clamp(_page + by, 1, _pageCount);

    private string Describe(ApprovedReport report) => string.Join(" · ",
        report.Header.ReportNumber,
        L[report.IsLab ? "Reports.Lab" : "Reports.Exam"].Value,
        report.Header.ApprovedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
}
