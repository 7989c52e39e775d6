using Refit;
using Workstation.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>The LIS report interface: the approved report behind a report-approved event (Refit source-generated).</summary>
internal interface ILisReportsApi
{
    [Get("/lis/api/reports/{reportNumber}")]
    Task<LabReport> GetLabReportAsync(string reportNumber, CancellationToken cancellationToken);
}

/// <summary>The PACS report return (seed 002): the approved exam report behind a report-approved event (Refit).</summary>
internal interface IPacsReportsApi
{
    [Get("/pacs/api/reports/{reportNumber}")]
    Task<ExamReport> GetExamReportAsync(string reportNumber, CancellationToken cancellationToken);
}
