using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.BloodUse;

/// <summary>The BloodUse feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class BloodUseTables
{
    extension(PortalDbContext db)
    {
        public DbSet<BloodUseAccessToken> BloodUseTokens => db.Set<BloodUseAccessToken>();

        public DbSet<BloodUseLockout> BloodUseLockouts => db.Set<BloodUseLockout>();
    }
}
