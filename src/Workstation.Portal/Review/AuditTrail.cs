using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Workstation.Portal.Audit;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>Raised when code tries to change or remove an audit entry: the trail is append-only.</summary>
public sealed class AuditTrailViolationException(string message) : InvalidOperationException(message);

/// <summary>Writes and guards the audit trail. Entries are only ever added; <see cref="EnsureAppendOnly"/> runs in
/// <see cref="PortalDbContext"/>'s SaveChanges and database triggers (migration <c>Review</c>) refuse bulk updates
/// and deletes that bypass the change tracker.</summary>
public static class AuditTrail
{
    public static void EnsureAppendOnly(ChangeTracker changes)
    {
        foreach (var entry in changes.Entries<AuditEvent>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new AuditTrailViolationException($"Audit event {entry.Entity.Id} cannot be {(entry.State == EntityState.Deleted ? "deleted" : "changed")}: the audit trail is append-only.");
        }
    }

    /// <summary>Adds an entry (saved with the caller's next SaveChanges), trimming fields to their column sizes.</summary>
    public static void Add(PortalDbContext db, DateTime at, string actor, string action, string? subject, string? detail) =>
        db.AuditEvents.Add(new AuditEvent
        {
            At = at,
            Actor = Trim(actor, 64)!,
            Action = Trim(action, 64)!,
            Subject = Trim(subject, 128),
            Detail = Trim(detail, 1000),
        });

    private static string? Trim(string? value, int max) => value is { Length: var n } && n > max ? value[..max] : value;
}
