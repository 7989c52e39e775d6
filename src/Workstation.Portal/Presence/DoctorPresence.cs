using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Presence;

/// <summary>Which doctors have the portal open (a Blazor circuit or a hub connection), across every portal instance:
/// each instance counts its own connections and publishes them as rows with an expiry, renewed by
/// <see cref="PresenceHeartbeat"/>; a crashed instance's doctors go offline when their rows expire.</summary>
public sealed class DoctorPresence(IDbContextFactory<PortalDbContext> dbFactory, IOptionsMonitor<PresenceOptions> options, TimeProvider time,
    ILogger<DoctorPresence> logger)
{
    private readonly ConcurrentDictionary<string, int> _online = new();
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>This process, as its presence rows name it.</summary>
    public string InstanceId { get; } = NewInstanceId();

    private static string NewInstanceId()
    {
        var id = $"{Environment.ProcessId}-{Guid.NewGuid():N}-{Environment.MachineName}";
        return id.Length > 60 ? id[..60] : id;
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
    public Task RenewAsync() => PublishAsync(_online.Where(p => p.Value > 0).Select(p => p.Key).ToList(), null);

    /// <param name="online">Doctors to mark online (rows upserted with a fresh expiry).</param>
    /// <param name="offline">Doctors to remove; null: every row of this instance not in <paramref name="online"/>.</param>
    private async Task PublishAsync(IReadOnlyCollection<string> online, IReadOnlyCollection<string>? offline)
    {
        await _writes.WaitAsync();
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + options.CurrentValue.Ttl;
            await using var db = await dbFactory.CreateDbContextAsync();
            var mine = await db.Set<PresenceRow>().Where(p => p.InstanceId == InstanceId).ToListAsync();
            foreach (var doctorId in online)
            {
                if (mine.FirstOrDefault(p => p.DoctorId == doctorId) is { } row) row.ExpiresAt = expires;
                else db.Add(new PresenceRow { InstanceId = InstanceId, DoctorId = doctorId, ExpiresAt = expires });
            }
            db.RemoveRange(mine.Where(p => offline is null ? !online.Contains(p.DoctorId) : offline.Contains(p.DoctorId) && !IsOnlineHere(p.DoctorId)));
            await db.SaveChangesAsync();
            if (offline is null) await db.Set<PresenceRow>().Where(p => p.ExpiresAt < now).ExecuteDeleteAsync();
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
public sealed class PresenceRow
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
