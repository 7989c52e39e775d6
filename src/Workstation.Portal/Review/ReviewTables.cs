using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>The Review feature's tables on the portal's context (the context itself knows no feature). Code outside this folder asks
/// this feature's services instead of reading them.</summary>
internal static class ReviewTables
{
    extension(PortalDbContext db)
    {
        public DbSet<ReviewMark> ReviewMarks => db.Set<ReviewMark>();
    }
}
