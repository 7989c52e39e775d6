using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Launch;

/// <summary>The Launch feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class LaunchTables
{
    extension(PortalDbContext db)
    {
        public DbSet<LaunchNonce> LaunchNonces => db.Set<LaunchNonce>();

        public DbSet<LaunchTicket> LaunchTickets => db.Set<LaunchTicket>();
    }
}
