using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Audit;

/// <summary>The Audit feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class AuditTables
{
    extension(PortalDbContext db)
    {
        public DbSet<AuditEvent> AuditEvents => db.Set<AuditEvent>();
    }
}
