using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>The HealthCard feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class HealthCardTables
{
    extension(PortalDbContext db)
    {
        public DbSet<BlacklistedCard> BlacklistedCards => db.Set<BlacklistedCard>();

        public DbSet<BlacklistSyncState> BlacklistSyncStates => db.Set<BlacklistSyncState>();

        public DbSet<CardUsage> CardUsages => db.Set<CardUsage>();
    }
}
