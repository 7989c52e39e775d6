using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Accounts;

/// <summary>The Accounts feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class AccountsTables
{
    extension(PortalDbContext db)
    {
        public DbSet<UserAccount> Users => db.Set<UserAccount>();
    }
}
