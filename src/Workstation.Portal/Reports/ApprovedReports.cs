using Workstation.Reports;

namespace Workstation.Portal.Reports;

/// <summary>One approved report of this hospital: a lab or an exam report.</summary>
internal sealed record ApprovedReport
{
    public ApprovedReport(LabReport lab) => Lab = lab;

    public ApprovedReport(ExamReport exam) => Exam = exam;

    public LabReport? Lab { get; }

    public ExamReport? Exam { get; }

    public ReportHeader Header => Lab?.Header ?? Exam!.Header;

    public bool IsLab => Lab is not null;
}

/// <summary>This hospital's approved reports, as the lab console lists them.</summary>
internal interface IApprovedReports
{
    IReadOnlyList<ApprovedReport> List();

    ApprovedReport? Find(string reportNumber);
}

/// <summary>Demo data until the LIS/PACS feed arrives (the upload console's issue): a 10-analyte 血常规, a 60-analyte
/// panel over two pages and a chest CT.</summary>
internal sealed class SampleApprovedReports : IApprovedReports
{
    private readonly IReadOnlyList<ApprovedReport> _reports =
        [new(SampleReports.BloodCount()), new(SampleReports.Panel(60)), new(SampleReports.ChestCt())];

    public IReadOnlyList<ApprovedReport> List() => _reports;

    public ApprovedReport? Find(string reportNumber) => _reports.FirstOrDefault(r => r.Header.ReportNumber == reportNumber);
}
