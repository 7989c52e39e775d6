using Refit;
using Workstation.Reports;

namespace Workstation.Portal.Uploads;

/// <summary>The LIS report interface: the approved report behind a report-approved event (Refit source-generated).</summary>
public interface ILisReportsApi
{
    [Get("/lis/api/reports/{reportNumber}")]
    Task<LabReport> GetLabReportAsync(string reportNumber, CancellationToken cancellationToken);
}
