using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>What other features read of the Orders feature's records (the review's figures and explorer, the FHIR read
/// API): untracked queries over the checks, the decisions and the retained reports, for the caller to filter, join and
/// page in the database. They cannot write through these; every write stays in this folder.</summary>
internal static class OrderQueries
{
    public static IQueryable<RecognitionDecision> Decisions(PortalDbContext db) => db.Decisions.AsNoTracking();

    public static IQueryable<OrderCheck> Checks(PortalDbContext db) => db.OrderChecks.AsNoTracking();

    public static IQueryable<RetainedReport> RetainedReports(PortalDbContext db) => db.RetainedReports.AsNoTracking();
}
