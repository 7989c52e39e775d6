using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Audit;

/// <summary>Raised when code tries to change or remove an audit entry: the trail is append-only.</summary>
internal sealed class AuditTrailViolationException(string message) : InvalidOperationException(message);

/// <summary>The one way to write the audit trail: every feature adds its entries here, each field cut to its column's
/// size, so no entry is lost to a long detail. Entries are only ever added: <see cref="AppendOnlyGuard"/> refuses changes
/// in every SaveChanges, and database triggers (<see cref="AuditTriggers"/>) refuse bulk statements.</summary>
internal static class AuditTrail
{
    public const int ActorLength = 64;
    public const int ActionLength = 64;
    public const int SubjectLength = 128;
    public const int DetailLength = 1000;

    /// <summary>An entry, fields cut to their column sizes (for the group commit, which adds it itself).</summary>
    public static AuditEvent Entry(DateTime at, string actor, string action, string? subject = null, string? detail = null) => new()
    {
        At = at,
        Actor = Cut(actor, ActorLength)!,
        Action = Cut(action, ActionLength)!,
        Subject = Cut(subject, SubjectLength),
        Detail = Cut(detail, DetailLength),
    };

    /// <summary>Adds an entry, saved with the caller's next SaveChanges (in the transaction of what it records).</summary>
    public static void Add(PortalDbContext db, DateTime at, string actor, string action, string? subject = null, string? detail = null) =>
        db.Add(Entry(at, actor, action, subject, detail));

    private static string? Cut(string? value, int max) => value is { Length: var n } && n > max ? value[..max] : value;
}

/// <summary>Refuses, in every SaveChanges, to change or remove an audit entry (registered for the portal's contexts by
/// <see cref="AuditRegistration.AddAudit"/>).</summary>
internal sealed class AppendOnlyGuard : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbContext? context)
    {
        if (context is null) return;
        foreach (var entry in context.ChangeTracker.Entries<AuditEvent>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new AuditTrailViolationException($"Audit event {entry.Entity.Id} cannot be {(entry.State == EntityState.Deleted ? "deleted" : "changed")}: the audit trail is append-only.");
        }
    }
}

internal static class AuditRegistration
{
    /// <summary>The audit trail's guard in every SaveChanges of the portal's contexts.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<ISaveChangesInterceptor, AppendOnlyGuard>();
        return services;
    }
}
