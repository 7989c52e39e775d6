using Refit;

namespace Workstation.Portal.Alerts;

/// <summary>The LIS/PACS endpoint that takes critical-value handling back (Refit source-generated client).</summary>
public interface ILisApi
{
    [Post("/lis/api/critical-values/handling")]
    Task PostHandlingAsync([Body] LisHandling handling, CancellationToken cancellationToken);
}
