using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Workstation.Portal.Background;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Presence;

/// <summary>Which doctors have the portal open (a Blazor circuit or a hub connection), across every portal instance:
/// each instance counts its own connections and publishes them as rows with an expiry, renewed by
/// <see cref="PresenceHeartbeat"/>; a crashed instance's doctors go offline when their rows expire.</summary>
internal sealed class DoctorPresence(IDbContextFactory<PortalDbContext> dbFactory, IOptionsMonitor<PresenceOptions> options, TimeProvider time,
    InstanceIdentity identity, ILogger<DoctorPresence> logger) : IPreviousRunClaims
{
    private readonly ConcurrentDictionary<string, int> _online = new();
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>This run of the instance, as its presence rows name it.</summary>
    public string InstanceId { get; } = identity.Owner;

    string IPreviousRunClaims.What => "presence rows";

    /// <summary>The doctors an earlier run of this instance had online are offline at once (their pages reconnect here or
    /// elsewhere and are published again).</summary>
    public async Task<int> ReleaseAsync(string instancePrefix, string runPrefix, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<PresenceRow>().Where(p => p.InstanceId.StartsWith(instancePrefix) && !p.InstanceId.StartsWith(runPrefix))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Online here (no database read).</summary>
    public bool IsOnlineHere(string doctorId) => _online.TryGetValue(doctorId, out var n) && n > 0;

    /// <summary>Online on this or any other instance whose presence has not expired.</summary>
    public async Task<bool> IsOnlineAsync(string doctorId, CancellationToken cancellationToken)
    {
        if (IsOnlineHere(doctorId)) return true;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<PresenceRow>().AnyAsync(p => p.DoctorId == doctorId && p.ExpiresAt > now, cancellationToken);
    }

    /// <summary>A connection of the doctor opened; dispose when it closes.</summary>
    public IDisposable Enter(string doctorId)
    {
        if (_online.AddOrUpdate(doctorId, 1, (_, n) => n + 1) == 1) _ = PublishAsync([doctorId], []);
        return new Leave(this, doctorId);
    }

    /// <summary>Renews this instance's rows for the doctors online here and removes the others (and expired rows of
    /// instances that died).</summary>
    public async Task RenewAsync()
    {
        await _writes.WaitAsync();
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + options.CurrentValue.Ttl;
            var online = _online.Where(p => p.Value > 0).Select(p => p.Key).ToHashSet();
            await using var db = await dbFactory.CreateDbContextAsync();
            var rows = db.Set<PresenceRow>();
            // One statement renews every row of this instance (thousands of doctors), instead of an UPDATE per row
            // that would hold the database's write lock for the length of the batch.
            await rows.Where(p => p.InstanceId == InstanceId).ExecuteUpdateAsync(u => u.SetProperty(p => p.ExpiresAt, expires));
            // Reconcile the rare differences (a publish that failed, a doctor who left meanwhile).
            var published = (await rows.Where(p => p.InstanceId == InstanceId).Select(p => p.DoctorId).ToListAsync()).ToHashSet();
            var missing = online.Where(d => !published.Contains(d)).ToList();
            var gone = published.Where(d => !online.Contains(d)).ToList();
            foreach (var doctorId in missing) rows.Add(new PresenceRow { InstanceId = InstanceId, DoctorId = doctorId, ExpiresAt = expires });
            if (missing.Count > 0) await db.SaveChangesAsync();
            if (gone.Count > 0) await rows.Where(p => p.InstanceId == InstanceId && gone.Contains(p.DoctorId)).ExecuteDeleteAsync();
            await rows.Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(); // dead instances' rows
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogWarning(ex, "Doctor presence could not be renewed");
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Marks <paramref name="online"/> online (rows upserted with a fresh expiry) and removes the rows of
    /// <paramref name="offline"/> doctors no longer connected here. Reads only those doctors' rows: a connection
    /// opening on an instance with thousands of doctors online costs one small read and one small write.</summary>
    private async Task PublishAsync(IReadOnlyCollection<string> online, IReadOnlyCollection<string> offline)
    {
        await _writes.WaitAsync();
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + options.CurrentValue.Ttl;
            var doctors = online.Concat(offline).Distinct().ToList();
            await using var db = await dbFactory.CreateDbContextAsync();
            var mine = await db.Set<PresenceRow>().Where(p => p.InstanceId == InstanceId && doctors.Contains(p.DoctorId)).ToListAsync();
            foreach (var doctorId in online)
            {
                if (mine.FirstOrDefault(p => p.DoctorId == doctorId) is { } row) row.ExpiresAt = expires;
                else db.Add(new PresenceRow { InstanceId = InstanceId, DoctorId = doctorId, ExpiresAt = expires });
            }
            db.RemoveRange(mine.Where(p => offline.Contains(p.DoctorId) && !IsOnlineHere(p.DoctorId)));
            await db.SaveChangesAsync();
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Presence is advisory (routing falls back to the on-duty doctor); the next heartbeat writes it again.
            logger.LogWarning(ex, "Doctor presence could not be written");
        }
        finally
        {
            _writes.Release();
        }
    }

    private sealed class Leave(DoctorPresence presence, string doctorId) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            if (presence._online.AddOrUpdate(doctorId, 0, (_, n) => Math.Max(0, n - 1)) == 0) _ = presence.PublishAsync([], [doctorId]);
        }
    }
}

/// <summary>A doctor online on one instance until <see cref="ExpiresAt"/>.</summary>
internal sealed class PresenceRow
{
    public string InstanceId { get; set; } = "";

    public string DoctorId { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}

internal sealed class PresenceRowConfiguration : IEntityTypeConfiguration<PresenceRow>
{
    public void Configure(EntityTypeBuilder<PresenceRow> e)
    {
        e.ToTable("doctor_presence");
        e.HasKey(x => new { x.InstanceId, x.DoctorId });
        e.Property(x => x.InstanceId).HasMaxLength(64);
        e.Property(x => x.DoctorId).HasMaxLength(100);
        e.HasIndex(x => new { x.DoctorId, x.ExpiresAt });
    }
}
