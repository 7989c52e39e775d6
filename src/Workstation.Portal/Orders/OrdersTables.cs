using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>The Orders feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class OrdersTables
{
    extension(PortalDbContext db)
    {
        public DbSet<OrderCheck> OrderChecks => db.Set<OrderCheck>();

        public DbSet<RecognitionDecision> Decisions => db.Set<RecognitionDecision>();

        public DbSet<RetainedReport> RetainedReports => db.Set<RetainedReport>();
    }
}
