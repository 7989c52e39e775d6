using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Workstation.Portal.Storage;

/// <summary>A row updated by several portal instances (alerts, outbox messages): <see cref="Version"/> is an optimistic
/// concurrency token. Every tracked update increments it (<see cref="PortalDbContext"/>), and every set-based update
/// must too (<c>SetProperty(x =&gt; x.Version, x =&gt; x.Version + 1)</c>), so a write based on a stale read fails with
/// <see cref="DbUpdateConcurrencyException"/> instead of silently overwriting another instance's change.</summary>
internal interface IVersioned
{
    int Version { get; set; }
}

internal static class Versioning
{
    /// <summary>Increments the version of every modified versioned row; the original value stays the WHERE condition.</summary>
    public static void Stamp(ChangeTracker changes)
    {
        foreach (var entry in changes.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified) entry.Entity.Version = entry.OriginalValues.GetValue<int>(nameof(IVersioned.Version)) + 1;
        }
    }
}
