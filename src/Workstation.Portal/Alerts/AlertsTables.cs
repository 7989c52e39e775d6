using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>The Alerts feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class AlertsTables
{
    extension(PortalDbContext db)
    {
        public DbSet<CriticalValueAlert> CriticalValueAlerts => db.Set<CriticalValueAlert>();

        public DbSet<AlertStep> AlertSteps => db.Set<AlertStep>();

        public DbSet<ResultNotification> ResultNotifications => db.Set<ResultNotification>();
    }
}
